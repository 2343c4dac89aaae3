// A queue that is fair across keys (retailers): each key has its own FIFO and
// pop() takes one item from each waiting key in turn, so one retailer's batch
// of 500 photos cannot starve another retailer's single order. Pure.
#pragma once

#include <deque>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace khaacho::model {

template <class T>
class fair_queue {
public:
  void push(const std::string& key, T item) {
    auto it = queues_.find(key);
    if (it == queues_.end()) {
      it = queues_.emplace(key, std::deque<T>{}).first;
      turn_.push_back(key);
    }
    it->second.push_back(std::move(item));
    ++size_;
  }

  /// The next item in round-robin order over keys, or nullopt when empty.
  std::optional<T> pop() {
    if (turn_.empty())
      return std::nullopt;
    auto key = std::move(turn_.front());
    turn_.pop_front();
    auto it = queues_.find(key);
    T item = std::move(it->second.front());
    it->second.pop_front();
    --size_;
    if (it->second.empty())
      queues_.erase(it);
    else
      turn_.push_back(std::move(key));
    return item;
  }

  /// Removes the first item for which `pred` holds; true if one was found.
  template <class Pred>
  bool remove_if_first(Pred pred) {
    for (auto it = queues_.begin(); it != queues_.end(); ++it)
      for (auto q = it->second.begin(); q != it->second.end(); ++q)
        if (pred(*q)) {
          it->second.erase(q);
          --size_;
          if (it->second.empty()) {
            turn_.remove(it->first);
            queues_.erase(it);
          }
          return true;
        }
    return false;
  }

  /// Calls `f(item)` for every item in the order pop() would return them
  /// (round-robin rounds over the keys in turn order), without popping.
  template <class F>
  void for_each_in_order(F f) const {
    for (size_t round = 0;; ++round) {
      bool any = false;
      for (const auto& key : turn_) {
        const auto& q = queues_.at(key);
        if (round < q.size()) {
          f(q[round]);
          any = true;
        }
      }
      if (!any)
        return;
    }
  }

  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  size_t keys() const noexcept { return queues_.size(); }

private:
  std::unordered_map<std::string, std::deque<T>> queues_;
  std::list<std::string> turn_;
  size_t size_ = 0;
};

}  // namespace khaacho::model

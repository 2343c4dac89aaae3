#!/usr/bin/env python3
"""Writes a large synthetic catalog in the layout of this folder, for matching and import benchmarks.

  generate_large_catalog.py [--n 50000] [--seed 7] [--out DIR] [--no-demo] [--products-only]
                            [--wholesalers 40]

Products are brand x product type x variant x size combinations of Nepali FMCG wholesale goods, with
the same columns as products.csv (id, sku, name, unit, pack_size, category, aliases) and aliases of the
same kinds (short forms, run-together and misspelled brand names, romanized Nepali and Devanagari names).
Many names differ only in variant or size, as in a real catalog, so matching must look at every token.

Deterministic: the same --seed and --n give byte-identical files, and a smaller --n gives a prefix of a
larger one. By default the demo catalog next to this script (products.csv, wholesalers.csv) comes first
with its own ids, so the dev order images still resolve against the large catalog. Unless
--products-only, also writes wholesalers.csv and stock.csv (0-8 wholesalers per product) so the folder
can be imported like the demo one. Standard library only; 200,000 products take a few seconds.
"""
import argparse
import csv
import math
import os
import random
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
# The demo catalog sits next to this script in ../shared/data/catalog; in the project the script lives in
# bench/tools and the demo catalog in data/catalog.
DEMO_DIR = next((d for d in (HERE, os.path.join(HERE, "..", "..", "data", "catalog"))
                 if os.path.exists(os.path.join(d, "products.csv"))), HERE)

# category: (weight, [(type, devanagari, romanized nepali or ""), ...], variants, sizes, unit rule, real brands)
CATEGORIES = {
    "noodles": (3, [("Instant Noodles", "चाउचाउ", "chauchau"), ("Cup Noodles", "कप चाउचाउ", ""), ("Hakka Noodles", "हक्का चाउचाउ", ""),
                    ("Chowmein", "चाउमिन", "chaumin")],
                ["Chicken", "Veg", "Masala", "Hot & Spicy", "Tom Yum", "Chilli", "Curry", "Mushroom", "Egg", "Plain", "Jhol", "Kimchi", "Garlic", "Tomato"],
                ["60 g", "65 g", "70 g", "75 g", "80 g", "100 g", "120 g", "400 g", "1 kg"], "noodles",
                ["Wai Wai", "Rara", "Mayos", "Preeti", "2PM", "Current", "Ruchi", "Yum Yum", "Maggi", "Ching's", "Koka", "Hurray", "Gol Gol", "Jojo"]),
    "biscuits": (2.5, [("Glucose Biscuit", "ग्लुकोज बिस्कुट", "biskut"), ("Cream Biscuit", "क्रिम बिस्कुट", ""), ("Cookies", "कुकिज", ""),
                       ("Crackers", "क्र्याकर", ""), ("Digestive", "डाइजेस्टिभ", ""), ("Marie", "मारी", ""), ("Wafers", "वेफर", "")],
                 ["Chocolate", "Vanilla", "Strawberry", "Orange", "Butter", "Coconut", "Cashew", "Elaichi", "Milk", "Salted", "Jeera", "Oats", "Honey"],
                 ["50 g", "56 g", "75 g", "100 g", "120 g", "150 g", "200 g", "250 g", "400 g"], "packet",
                 ["Parle", "Britannia", "Nebico", "Sathi", "Unibic", "Sunfeast", "Oreo", "McVitie's", "Bourbon", "Priyagold", "Anmol", "Hello"]),
    "rice": (2, [("Jeera Masino Rice", "जिरा मसिनो चामल", "jeera masino"), ("Sona Mansuli Rice", "सोना मन्सुली चामल", "sona mansuli"),
                 ("Basmati Rice", "बासमती चामल", "basmati"), ("Mansuli Rice", "मन्सुली चामल", "mansuli"), ("Taichin Rice", "ताइचिन चामल", "taichin"),
                 ("Pokhareli Rice", "पोखरेली चामल", ""), ("Brown Rice", "खैरो चामल", "")],
             ["Premium", "Gold", "Special", "Classic", "Super", "Regular", "Steam", "Sella", "Aged", "Long Grain", "Silky"],
             ["1 kg", "2 kg", "5 kg", "10 kg", "20 kg", "25 kg", "30 kg"], "rice",
             ["Sunaulo", "Pokhareli", "India Gate", "Daawat", "Kohinoor", "Lal Qilla", "Annapurna", "Himali", "Terai", "Mithila", "Gorkha"]),
    "pulses": (2, [("Masoor Dal", "मसुरो दाल", "musuro dal"), ("Moong Dal", "मुगीको दाल", "mugi dal"), ("Chana Dal", "चना दाल", "chana dal"),
                   ("Rahar Dal", "रहर दाल", "rahar"), ("Mas Dal", "मासको दाल", "maas"), ("Rajma", "राजमा", "rajma"),
                   ("Kabuli Chana", "काबुली चना", "kabuli"), ("Bhatmas", "भटमास", "bhatmas"), ("Kerau", "केराउ", "kerau")],
               ["Premium", "Organic", "Polished", "Unpolished", "Split", "Whole", "Local", "Imported", "Desi"],
               ["500 g", "1 kg", "2 kg", "5 kg", "25 kg", "30 kg"], "rice",
               ["Gyan", "Tata Sampann", "Annapurna", "Himali", "Everyday", "Organic Nepal", "Fresh Farm"]),
    "edible_oil": (2, [("Mustard Oil", "तोरीको तेल", "tori ko tel"), ("Soyabean Oil", "भटमासको तेल", "bhatmas tel"), ("Sunflower Oil", "सूर्यमुखी तेल", "suryamukhi tel"),
                       ("Rice Bran Oil", "राइस ब्रान तेल", ""), ("Palm Oil", "पाम तेल", ""), ("Groundnut Oil", "बदामको तेल", "badam tel"), ("Olive Oil", "जैतुनको तेल", "")],
                   ["Refined", "Kachi Ghani", "Filtered", "Gold", "Lite", "Pure", "Double Filtered", "Cold Pressed", "Fortified"],
                   ["200 ml", "500 ml", "1 l", "2 l", "5 l", "15 l"], "oil",
                   ["Dhara", "Fortune", "Gyan", "Sunpure", "Saffola", "Patanjali", "Postman", "Ruchi", "Nature Fresh", "Sudha"]),
    "sugar_salt": (1.2, [("Sugar", "चिनी", "chini"), ("Iodized Salt", "नुन", "nun"), ("Rock Salt", "सेन्धा नुन", "sendha nun"),
                         ("Black Salt", "बिरे नुन", "bire nun"), ("Brown Sugar", "खैरो चिनी", ""), ("Jaggery", "सख्खर", "sakhar")],
                     ["Refined", "Crystal", "Fine", "Pink", "Double Refined", "Organic", "Powdered"],
                     ["100 g", "500 g", "1 kg", "2 kg", "5 kg", "25 kg", "50 kg"], "rice",
                     ["Mahalaxmi", "Aayo", "Tata", "Ganesh", "Annapurna", "Himali", "Everest"]),
    "tea_coffee": (1.5, [("Tea", "चिया", "chiya"), ("Green Tea", "ग्रिन टी", ""), ("Masala Tea", "मसला चिया", ""), ("Tea Bags", "टी ब्याग", ""),
                         ("Instant Coffee", "कफी", "kafi"), ("Filter Coffee", "फिल्टर कफी", "")],
                     ["Premium", "Gold", "Leaf", "Dust", "CTC", "Orthodox", "Elaichi", "Ginger", "Tulsi", "Lemon", "Classic", "Strong"],
                     ["25 g", "50 g", "100 g", "250 g", "500 g", "1 kg"], "jar_small",
                     ["Tokla", "Ilam", "Red Label", "Tata", "Golden Tips", "Tetley", "Nescafe", "Bru", "Himalayan", "Kanchenjunga", "Mechi"]),
    "personal_care": (2.5, [("Soap", "साबुन", "sabun"), ("Beauty Bar", "साबुन", ""), ("Handwash", "ह्यान्डवास", ""), ("Body Wash", "बडी वास", ""),
                            ("Face Cream", "क्रिम", ""), ("Talc", "पाउडर", "powder")],
                        ["Rose", "Lemon", "Sandal", "Neem", "Aloe Vera", "Turmeric", "Jasmine", "Lavender", "Charcoal", "Milk Cream", "Fresh", "Cool", "Original"],
                        ["50 g", "75 g", "100 g", "125 g", "150 g", "190 ml", "250 ml", "500 ml"], "pcs",
                        ["Lifebuoy", "Dettol", "Lux", "Santoor", "Dove", "Pears", "Liril", "Hamam", "Medimix", "Cinthol", "Nivea", "Pond's", "Himalaya"]),
    "oral_care": (1, [("Toothpaste", "टुथपेस्ट", "manjan"), ("Toothbrush", "ब्रस", "bras"), ("Mouthwash", "माउथवास", "")],
                  ["Strong Teeth", "Herbal", "Fresh Mint", "Red Gel", "Whitening", "Sensitive", "Kids", "Salt", "Clove", "Charcoal"],
                  ["20 g", "50 g", "100 g", "150 g", "200 g", "250 ml"], "pcs",
                  ["Colgate", "Pepsodent", "Close Up", "Dabur", "Sensodyne", "Patanjali", "Oral-B", "Himalaya"]),
    "hair_care": (1, [("Shampoo", "स्याम्पु", "syampu"), ("Conditioner", "कन्डिसनर", ""), ("Hair Oil", "कपालको तेल", "kapal tel"), ("Shampoo Sachet", "स्याम्पु पाउच", "")],
                  ["Anti-Dandruff", "Black Shine", "Smooth", "Hair Fall Control", "Coconut", "Amla", "Almond", "Herbal", "Onion", "Keratin"],
                  ["6 ml", "80 ml", "100 ml", "175 ml", "180 ml", "200 ml", "340 ml", "650 ml"], "bottle",
                  ["Clinic Plus", "Sunsilk", "Head & Shoulders", "Pantene", "Dove", "Parachute", "Dabur", "Navratna", "Bajaj", "Himalaya"]),
    "detergent": (1.8, [("Detergent Powder", "सर्फ", "surf"), ("Detergent Bar", "लुगा धुने साबुन", "sabun"), ("Liquid Detergent", "लिक्विड", ""),
                        ("Dishwash Bar", "भाँडा माझ्ने साबुन", ""), ("Dishwash Liquid", "भाँडा माझ्ने झोल", "")],
                    ["Lemon", "Rose", "Jasmine", "Matic", "Front Load", "Top Load", "Power", "Ultra", "Active", "Easy Wash", "Blue", "Classic"],
                    ["200 g", "250 g", "500 g", "1 kg", "2 kg", "5 kg", "500 ml", "1 l"], "pktkg",
                    ["Surf Excel", "Wheel", "Ariel", "Tide", "Rin", "Nirma", "Ghadi", "Vim", "Pril", "Exo"]),
    "household": (1.5, [("Matches", "सलाई", "salai"), ("Candles", "मैनबत्ती", "mainbatti"), ("Incense Sticks", "धूप", "dhup"),
                        ("Mosquito Coil", "झुलको कोइल", ""), ("Toilet Cleaner", "ट्वाइलेट क्लिनर", ""), ("Floor Cleaner", "फ्लोर क्लिनर", ""),
                        ("Tissue Roll", "टिस्यु", ""), ("Garbage Bags", "फोहोर झोला", ""), ("Phenyl", "फिनायल", "finyl")],
                    ["Classic", "Lavender", "Lemon", "Pine", "Rose", "Sandal", "Jasmine", "Extra Strong", "Scented", "Unscented", "White", "Big"],
                    ["10 pcs", "12 pcs", "20 pcs", "30 pcs", "500 ml", "1 l", "100 pcs"], "household",
                    ["Sagarmatha", "Ship", "Cycle", "Mortein", "Good Knight", "Harpic", "Lizol", "Colin", "Cherry", "Everest", "Himali"]),
    "beverages": (2, [("Cola", "कोला", ""), ("Orange Drink", "सुन्तला पेय", ""), ("Lemon Drink", "कागती पेय", ""), ("Mango Drink", "आँपको जुस", ""),
                      ("Juice", "जुस", "jus"), ("Energy Drink", "इनर्जी ड्रिंक", ""), ("Mineral Water", "पानी", "pani"), ("Soda Water", "सोडा", "")],
                  ["Regular", "Zero", "Diet", "Apple", "Litchi", "Guava", "Pineapple", "Mixed Fruit", "Orange", "Mango", "Lemon", "Berry"],
                  ["200 ml", "250 ml", "500 ml", "600 ml", "1 l", "1.25 l", "1.5 l", "2.25 l"], "bev",
                  ["Coca-Cola", "Fanta", "Sprite", "Pepsi", "Mountain Dew", "Mirinda", "7Up", "Real", "Frooti", "Slice", "Maaza", "Red Bull", "Sting", "Aqua", "Tropicana"]),
    "dairy": (1.5, [("Milk", "दूध", "dudh"), ("Ghee", "घ्यू", "ghiu"), ("Butter", "मख्खन", "makhan"), ("Paneer", "पनिर", "panir"),
                    ("Cheese", "चिज", "chij"), ("Curd", "दही", "dahi"), ("Milk Powder", "दूध धुलो", "")],
                [("Standard"), "Toned", "Full Cream", "Cow", "Buffalo", "Yak", "Low Fat", "Salted", "Unsalted", "Fresh", "Pure"],
                ["100 g", "200 g", "500 ml", "500 g", "1 l", "1 kg", "400 g"], "dairy",
                ["DDC", "Sujal", "Amul", "Patanjali", "Gagan", "Everyday", "Kamdhenu", "Himalayan", "Nebula", "Dairy Pride"]),
    "spices": (2, [("Turmeric Powder", "बेसार", "besar"), ("Chilli Powder", "खुर्सानीको धुलो", "khursani"), ("Cumin Powder", "जीराको धुलो", "jeera"),
                   ("Coriander Powder", "धनियाँको धुलो", "dhaniya"), ("Garam Masala", "गरम मसला", "garam masala"), ("Meat Masala", "मासु मसला", "masu masala"),
                   ("Chicken Masala", "कुखुरा मसला", ""), ("Chat Masala", "चाट मसला", ""), ("Pickle Masala", "अचार मसला", ""), ("Kitchen King", "किचन किङ", ""),
                   ("Cumin Seeds", "जीरा", "jira"), ("Black Pepper", "मरिच", "marich"), ("Timur", "टिमुर", "timur")],
               ["Premium", "Organic", "Special", "Classic", "Hot", "Mild", "Kashmiri", "Pure", "Home Style"],
               ["50 g", "100 g", "200 g", "500 g", "1 kg"], "packet",
               ["Everest", "MDH", "Baidya's", "Catch", "Jhanak", "Ruchi", "Himali", "Organic Nepal", "Annapurna"]),
    "flour_grains": (1.5, [("Atta", "आटा", "aata"), ("Maida", "मैदा", "maida"), ("Suji", "सुजी", "suji"), ("Besan", "बेसन", "besan"),
                           ("Corn Flour", "मकैको पिठो", "makai pitho"), ("Millet Flour", "कोदोको पिठो", "kodo"), ("Buckwheat Flour", "फापरको पिठो", "phapar"),
                           ("Oats", "ओट्स", ""), ("Vermicelli", "सेवइँ", "sewai"), ("Beaten Rice", "चिउरा", "chiura")],
                       ["Chakki", "Whole Wheat", "Fine", "Coarse", "Multigrain", "Organic", "Roasted", "Premium", "Local"],
                       ["500 g", "1 kg", "2 kg", "5 kg", "10 kg", "25 kg"], "rice",
                       ["Gyan", "Aashirvaad", "Fortune", "Bambino", "Quaker", "Annapurna", "Himali", "Shakti", "Pillsbury"]),
    "snacks": (1.5, [("Chips", "चिप्स", ""), ("Namkeen", "नमकिन", ""), ("Bhujia", "भुजिया", "bhujia"), ("Chatpate", "चटपटे", "chatpate"),
                     ("Puffs", "पफ्स", ""), ("Popcorn", "पपकर्न", ""), ("Peanuts", "बदाम", "badam")],
                 ["Salted", "Masala", "Tomato", "Cream & Onion", "Chilli", "Peri Peri", "Sour Cream", "Spicy", "Classic", "Pudina"],
                 ["20 g", "30 g", "40 g", "52 g", "90 g", "200 g", "400 g"], "packet",
                 ["Lay's", "Kurkure", "Hit & Run", "Haldiram's", "Bingo", "Uncle Chips", "Shaka Laka", "Cheese Balls", "Pringles"]),
    "confectionery": (1, [("Chocolate", "चकलेट", "chakalet"), ("Candy", "चक्लेट", ""), ("Chewing Gum", "चुइङगम", ""), ("Toffee", "टफी", "")],
                      ["Milk", "Dark", "Fruit & Nut", "Caramel", "Mint", "Mango", "Orange", "Strawberry", "Coffee", "Crunchy"],
                      ["10 g", "13 g", "22 g", "40 g", "60 g", "100 pcs", "150 pcs"], "pcs",
                      ["Cadbury", "Nestle", "Pulse", "Center Fresh", "Mentos", "Happydent", "Alpenliebe", "Eclairs", "Amul", "Munch"]),
}

SYL = [("ra", "र"), ("ma", "म"), ("sa", "स"), ("ga", "ग"), ("na", "न"), ("la", "ल"), ("ta", "त"), ("pa", "प"), ("ka", "क"),
       ("da", "द"), ("ha", "ह"), ("ya", "य"), ("va", "व"), ("ja", "ज"), ("ba", "ब"), ("ri", "रि"), ("mi", "मि"), ("shi", "शि"),
       ("ni", "नि"), ("li", "लि"), ("ti", "ति"), ("ku", "कु"), ("su", "सु"), ("nu", "नु"), ("ro", "रो"), ("mo", "मो"), ("so", "सो"),
       ("ko", "को"), ("de", "दे"), ("ne", "ने"), ("ve", "वे"), ("ge", "गे"), ("ha", "हा"), ("ja", "जा"), ("bi", "बि"), ("chha", "छ")]
SUFFIX = [("", ""), ("", ""), (" Gold", " गोल्ड"), (" Fresh", " फ्रेस"), (" Premium", " प्रिमियम"), (" Nepal", " नेपाल"), (" Foods", " फुड्स"),
          (" Agro", " एग्रो"), (" Udyog", " उद्योग"), (" Products", " प्रोडक्ट्स")]
REAL_DEVA = {"Wai Wai": "वाइवाइ", "Rara": "रारा", "Mayos": "मायोस", "Preeti": "प्रीति", "Current": "करेन्ट", "Maggi": "म्यागी",
             "Parle": "पार्ले", "Britannia": "ब्रिटानिया", "Nebico": "नेबिको", "Sathi": "साथी", "Sunaulo": "सुनौलो", "Pokhareli": "पोखरेली",
             "Gyan": "ज्ञान", "Dhara": "धारा", "Fortune": "फर्चुन", "Patanjali": "पतञ्जली", "Mahalaxmi": "महालक्ष्मी", "Aayo": "आयो",
             "Tokla": "टोकला", "Ilam": "इलाम", "Lifebuoy": "लाइफबोय", "Dettol": "डेटल", "Lux": "लक्स", "Colgate": "कोलगेट",
             "Dabur": "डाबर", "Surf Excel": "सर्फ एक्सेल", "Wheel": "ह्विल", "Sagarmatha": "सगरमाथा", "Coca-Cola": "कोका कोला",
             "Fanta": "फान्टा", "Real": "रियल", "DDC": "डिडिसी", "Sujal": "सुजल", "Everest": "एभरेष्ट", "Himali": "हिमाली",
             "Annapurna": "अन्नपूर्ण", "Kurkure": "कुरकुरे", "Hit & Run": "हिट एन्ड रन", "Cadbury": "क्याडबरी"}
CAT_CODE = {"noodles": "NDL", "biscuits": "BIS", "rice": "RIC", "pulses": "PUL", "edible_oil": "OIL", "sugar_salt": "SGS",
            "tea_coffee": "TEA", "personal_care": "PCR", "oral_care": "ORL", "hair_care": "HAR", "detergent": "DET",
            "household": "HSH", "beverages": "BEV", "dairy": "DRY", "spices": "SPC", "flour_grains": "FLR", "snacks": "SNK",
            "confectionery": "CNF"}


def synthetic_brand(k):
    """The k-th made-up brand name, with a Devanagari spelling (deterministic, unique for k < 36^3 * 10)."""
    a, b, c = SYL[k % len(SYL)], SYL[(k // len(SYL)) % len(SYL)], SYL[(k // len(SYL) ** 2) % len(SYL)]
    suf = SUFFIX[(k // len(SYL) ** 3) % len(SUFFIX)]
    parts = [a, b] if (k // 7) % 3 else [a, b, c]
    lat = "".join(p[0] for p in parts)
    dev = "".join(p[1] for p in parts)
    return lat.capitalize() + suf[0], dev + suf[1]


def unit_for(rule, type_name, size):
    num, u = size.split()
    v = float(num)
    if rule == "noodles":
        return "pcs" if "Cup" in type_name else "packet"
    if rule == "rice":
        return "bag" if u == "kg" and v >= 5 else "packet"
    litres = v / 1000 if u == "ml" else v
    if rule == "oil":
        return "bottle" if litres <= 2 else ("jar" if litres <= 5 else "can")
    if rule == "jar_small":
        return "box" if "Bags" in type_name else ("jar" if "Coffee" in type_name else "packet")
    if rule == "pcs":
        return "bottle" if u in ("ml", "l") and v >= 100 else "pcs"
    if rule == "bottle":
        return "packet" if "Sachet" in type_name else "bottle"
    if rule == "pktkg":
        return "bottle" if u in ("ml", "l") else ("pcs" if "Bar" in type_name else "packet")
    if rule == "household":
        return "bottle" if u in ("ml", "l") else ("box" if type_name in ("Incense Sticks", "Mosquito Coil") else "packet")
    if rule == "bev":
        return "can" if type_name == "Energy Drink" and v <= 250 else ("pcs" if type_name == "Juice" else "bottle")
    if rule == "dairy":
        return "jar" if type_name == "Ghee" and u == "l" else ("pcs" if type_name == "Butter" else "packet")
    return "packet"


COUNTED = {"Matches", "Candles", "Incense Sticks", "Mosquito Coil", "Tissue Roll", "Garbage Bags", "Toothbrush", "Candy",
           "Chewing Gum", "Toffee", "Tea Bags"}
LIQUID = ("Liquid", "Wash", "Oil", "Shampoo", "Conditioner", "Cleaner", "Drink", "Water", "Juice", "Mouthwash", "Phenyl",
          "Cola", "Sachet", "Ghee")


def size_fits(tname, size):
    """Whether a pack size makes sense for a product type (no '1 L' detergent bars)."""
    u = size.split()[1]
    if tname in COUNTED:
        return u == "pcs"
    if "Powder" in tname or "Bar" in tname:
        return u in ("g", "kg")
    if tname == "Milk":
        return u in ("ml", "l")
    if any(w in tname for w in LIQUID):
        return u in ("ml", "l") or (tname == "Ghee" and u in ("g", "kg"))
    return u in ("g", "kg")


def misspell(word, rng):
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1:]
    if op == 1:
        return word[:i] + word[i] + word[i:]
    if op == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    vow = {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o"}
    j = next((k for k in range(i, len(word)) if word[k] in vow), None)
    return word if j is None else word[:j] + vow[word[j]] + word[j + 1:]


def compact_size(size):
    num, u = size.split()
    return num + {"l": "ltr", "g": "g", "kg": "kg", "ml": "ml", "pcs": " pcs"}[u]


def generate(n, seed, demo_rows):
    rng = random.Random(seed)
    rows = list(demo_rows)[:n]
    seen = {r["name"].lower() for r in rows}
    skus = {r["sku"] for r in rows}
    cats = list(CATEGORIES)
    weights = [CATEGORIES[c][0] for c in cats]
    cum = [sum(weights[:i + 1]) for i in range(len(weights))]
    # brands are added to a category as it fills up (about one per quarter of its combination space), so
    # the catalog for a smaller --n is a prefix of the one for a larger --n
    brand_pool = {c: [(b, REAL_DEVA.get(b)) for b in CATEGORIES[c][5]] for c in cats}
    space = {c: len(CATEGORIES[c][1]) * len(CATEGORIES[c][2]) * len(CATEGORIES[c][3]) for c in cats}
    filled = {c: 0 for c in cats}
    missed = {c: 0 for c in cats}
    next_syn = 0
    counter = 0
    misses = 0
    while len(rows) < n:
        x = rng.random() * cum[-1]
        c = cats[next(i for i, v in enumerate(cum) if x <= v)]
        _, types, variants, sizes, rule, _ = CATEGORIES[c]
        pool = brand_pool[c]
        while filled[c] >= len(pool) * space[c] / 4:
            pool.append(synthetic_brand(next_syn))
            next_syn += 1
        # a few big brands carry most products, as in a real catalog
        bi = min(len(pool) - 1, int(len(pool) * rng.random() ** 1.6))
        brand, brand_dev = pool[bi]
        tname, tdev, troman = rng.choice(types)
        variant = rng.choice(variants)
        fitting = [s for s in sizes if size_fits(tname, s)]
        size = rng.choice(fitting) if fitting else ""
        name = f"{brand} {variant} {tname}" + (f" {size.replace(' l', ' L')}" if size else "")
        if name.lower() in seen:
            misses += 1
            missed[c] += 1
            if missed[c] > 20:  # this category is crowded: one more brand
                pool.append(synthetic_brand(next_syn))
                next_syn += 1
                missed[c] = 0
            if misses > 50 * n:
                raise SystemExit("combination space exhausted")
            continue
        seen.add(name.lower())
        filled[c] += 1
        counter += 1
        unit = unit_for(rule, tname, size) if size else "pcs"
        bl = brand.lower().replace("'", "")
        aliases = [f"{bl} {variant.lower()}", f"{bl.replace(' ', '')} {variant.lower()}" + (f" {compact_size(size)}" if size else ""),
                   f"{misspell(bl.replace(' ', ''), rng)} {variant.lower()}"]
        if troman:
            aliases.append(f"{bl} {troman}")
        if brand_dev:
            aliases.append(f"{brand_dev} {tdev}")
        aliases = list(dict.fromkeys(a for a in aliases if a and "|" not in a))
        code = "".join(ch for ch in brand.upper() if ch.isalnum())[:5] or "BRAND"
        sku = f"{CAT_CODE[c]}-{code}-{counter:06d}"
        while sku in skus:
            counter += 1
            sku = f"{CAT_CODE[c]}-{code}-{counter:06d}"
        skus.add(sku)
        rows.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "sku": sku, "name": name, "unit": unit,
                     "pack_size": size, "category": c, "aliases": "|".join(aliases)})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=None, help="output folder (default: ./large-catalog-N)")
    ap.add_argument("--no-demo", action="store_true", help="do not start with the demo products of this folder")
    ap.add_argument("--products-only", action="store_true")
    ap.add_argument("--wholesalers", type=int, default=40, help="wholesalers to write (demo ones first)")
    a = ap.parse_args()
    out = a.out or f"large-catalog-{a.n}"
    os.makedirs(out, exist_ok=True)
    demo, demo_ws = [], []
    if not a.no_demo and os.path.exists(os.path.join(DEMO_DIR, "products.csv")):
        with open(os.path.join(DEMO_DIR, "products.csv"), newline="", encoding="utf-8") as f:
            demo = list(csv.DictReader(f))
        if os.path.exists(os.path.join(DEMO_DIR, "wholesalers.csv")):
            with open(os.path.join(DEMO_DIR, "wholesalers.csv"), newline="", encoding="utf-8") as f:
                demo_ws = list(csv.DictReader(f))
    rows = generate(a.n, a.seed, demo)
    cols = ["id", "sku", "name", "unit", "pack_size", "category", "aliases"]
    with open(os.path.join(out, "products.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    if not a.products_only:
        rng = random.Random(a.seed * 7919 + 1)
        ws = demo_ws[:a.wholesalers]
        k = 0
        while len(ws) < a.wholesalers:
            k += 1
            name, _ = synthetic_brand(5000 + k)
            ws.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "name": f"{name} Traders {k}",
                       "phone": "+97798" + "".join(str(rng.randrange(10)) for _ in range(8)),
                       "email": f"orders{k}@{name.lower()}.com.np", "city": rng.choice(["Kathmandu", "Pokhara", "Butwal", "Biratnagar", "Birgunj"]),
                       "reliability_score": f"{rng.uniform(0.4, 0.99):.2f}", "whatsapp_opt_in": rng.choice(["true", "false"])})
        with open(os.path.join(out, "wholesalers.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=["id", "name", "phone", "email", "city", "reliability_score", "whatsapp_opt_in"],
                               lineterminator="\n")
            w.writeheader()
            w.writerows(ws)
        n_stock = 0
        with open(os.path.join(out, "stock.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["wholesaler_id", "product_id", "stock_qty", "unit_price_npr"])
            for r in rows:
                for wh in rng.sample(ws, min(len(ws), rng.randint(0, 8))):
                    w.writerow([wh["id"], r["id"], 0 if rng.random() < 0.15 else rng.randint(5, 2000), f"{rng.uniform(10, 3000):.2f}"])
                    n_stock += 1
    print(f"wrote {len(rows)} products{'' if a.products_only else f', {len(ws)} wholesalers, {n_stock} stock rows'} to {out}")


if __name__ == "__main__":
    main()

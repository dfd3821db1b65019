# A CUDA worker: PyTorch's CUDA runtime image plus Node.js 24 (the current LTS) and the service. One container
# per GPU slot; FSDFM_GPUS names the GPU(s) it owns. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t fsdfm-worker .
FROM pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
 && mkdir -p /etc/apt/keyrings \
 && curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg \
 && echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_24.x nodistro main" > /etc/apt/sources.list.d/nodesource.list \
 && apt-get update && apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/*
# The worker's Python checks every run spec against the bridge contract (python/fsdfm/contract).
RUN pip install --no-cache-dir jsonschema
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts skipped: the package's `prepare` builds the dashboard, which only the api serves.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts
COPY bin ./bin
COPY src ./src
COPY python ./python
ENV PYTHON_BIN=python FSDFM_DATA_DIR=/data FSDFM_ARTIFACT_DIR=/artifacts FSDFM_GPUS=0 PYTHONUNBUFFERED=1
# The commit this image was built from, for every job's provenance (an image has no .git):
# docker build --build-arg FSDFM_COMMIT=$(git rev-parse HEAD) …
ARG FSDFM_COMMIT=
ENV FSDFM_COMMIT=$FSDFM_COMMIT
CMD ["node", "bin/fsdfm.js", "worker"]

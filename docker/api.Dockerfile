# The REST api: Node only (no Python, no GPU). Build from the repository root:
#   docker build -f docker/api.Dockerfile -t fsdfm-api .
# Node.js 24, the current LTS (20 reached end of life in April 2026).
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts skipped: the package's own `prepare` (the dashboard build) needs sources not copied yet;
# no dependency needs its install script (esbuild ships its binary as a platform package).
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts
COPY bin ./bin
COPY src ./src
COPY openapi ./openapi
# The dashboard served at /, built here (web/ -> web/dist).
COPY web ./web
COPY scripts/build-web.ts ./scripts/
RUN npm run build:web
# Listening beyond the container: tokens on (the api refuses 0.0.0.0 without them).
ENV NODE_ENV=production FSDFM_HOST=0.0.0.0 FSDFM_PORT=8080 FSDFM_DATA_DIR=/data FSDFM_ARTIFACT_DIR=/artifacts FSDFM_AUTH=on
EXPOSE 8080
USER node
CMD ["node", "bin/fsdfm.js", "api"]

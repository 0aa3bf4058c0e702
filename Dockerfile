# The pipeline's stages, for docker-compose.yml. Not built on the project's own machines (no Docker engine there).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY kafka ./kafka
COPY clients ./clients
COPY pipeline ./pipeline
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund
ENTRYPOINT ["node"]

# The pipeline's stages (docker-compose.yml) and the bench's load agents and collector (deploy/kubernetes/). Not built on the project's own machines (no Docker engine there).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY kafka ./kafka
COPY clients ./clients
COPY pipeline ./pipeline
COPY bench ./bench
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund
ENTRYPOINT ["node"]

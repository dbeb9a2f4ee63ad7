# syntax=docker/dockerfile:1
# The reference app (src/app), and its demo traffic (src/app/demo.ts), as docker-compose.yml runs them.
# Node 24 runs the TypeScript sources directly (type stripping): no build step, so the image holds the sources and
# the production dependencies, nothing else.

# Stage 1: production dependencies exactly as locked. No install scripts run, and npm's cache stays behind.
FROM node:24.18.0-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Stage 2: what runs. The official image's `node` user (uid 1000), never root.
FROM node:24.18.0-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9464 \
    DATABASE_PATH=/app/data/quietcount.db
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
# The SQLite file's directory: a named volume mounted here starts with this owner.
RUN mkdir data && chown node:node data
USER node
# 8080: the app. 9464: /metrics, for Prometheus on the compose network only (bearer token; never published).
EXPOSE 8080 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/app/main.ts"]

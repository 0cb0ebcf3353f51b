# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: the compiled node, production dependencies, chain specs; runs as an unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json chain-spec.json ./
RUN useradd --system --uid 10001 --home-dir /data --create-home dcn && chown dcn /data
USER dcn
VOLUME ["/data"]
# 9944: JSON-RPC (WebSocket + HTTP); 30333: p2p. (No metrics endpoint yet: 9615 is not exposed until there is one.)
EXPOSE 9944 30333
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["run", "--chain", "dev", "--validator", "--base-path", "/data", "--rpc-external"]

# obsynth as a container image: the same artefact `npm ci && npm run build` makes (dist/ built by
# tsc from src/, config/, package.json) with production dependencies only, run as a non-root user.
#   docker build -t obsynth:0.1.0 .
#   docker run --rm obsynth:0.1.0 generate --hours 1 --out /data/demo
# The demo stack (docker-compose.yml) runs deploy/docker/obsynth-demo.sh from this image.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: dev dependencies, TypeScript, dist/ -------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; the next RUN builds.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- deps: production dependencies only ---------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY config ./config
COPY deploy/sinks ./deploy/sinks
COPY deploy/docker/obsynth-demo.sh ./deploy/docker/obsynth-demo.sh
# State (checkpoints, reports, generated datasets) lives in /data, owned by the unprivileged user
# the base image ships (node, uid 1000); a named volume mounted there inherits that ownership.
RUN mkdir -p /data && chown node:node /data
USER node
WORKDIR /data
VOLUME ["/data"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]

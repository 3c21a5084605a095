# The ERP, compiled, run with plain node as an unprivileged user. Untested here (no image registry
# is reachable from the machines this was written on); see README, "Running it in production".
# One image serves every role: the gateway (default), or one subgraph with
#   command: ["node", "--conditions=erp-compiled", "services/crm/dist/server.js"]

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
# The pinned pnpm from the npm registry; then compile, then keep production dependencies only.
RUN PNPM="$(node -p 'require("./package.json").packageManager')" \
 && npx --yes "$PNPM" install --frozen-lockfile \
 && node scripts/build.mjs \
 && CI=true npx --yes "$PNPM" install --frozen-lockfile --prod

FROM node:20-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/pnpm-workspace.yaml /app/supergraph.graphql /app/schema.graphql ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/packages ./packages
COPY --from=build --chown=node:node /app/services ./services
COPY --from=build --chown=node:node /app/gateway ./gateway
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000 9464
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--conditions=erp-compiled", "--enable-source-maps", "gateway/dist/cli.js", "start"]

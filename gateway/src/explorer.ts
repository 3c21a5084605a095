import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import express, { type Express } from "express";
import type { Example } from "./explorer-examples.js";

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * GraphiQL's built browser assets, from the packages installed with the gateway: its UMD build and
 * stylesheet (fonts inlined) and the React 18 UMD builds it runs on, so /graphiql works offline.
 */
const ASSETS: Record<string, string> = {
  "react.production.min.js": join(packageDir("react"), "umd/react.production.min.js"),
  "react-dom.production.min.js": join(packageDir("react-dom"), "umd/react-dom.production.min.js"),
  "graphiql.min.js": join(packageDir("graphiql"), "graphiql.min.js"),
  "graphiql.min.css": join(packageDir("graphiql"), "graphiql.min.css"),
};

/** JSON safe to inline in a <script>: no "</script>" or "<!--" can close or confuse it. */
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

function graphiqlPage(examples: Example[], headers: Record<string, string>): string {
  const tabs = examples.map((e) => ({
    query: e.document,
    variables: e.variables ? JSON.stringify(e.variables, null, 2) : undefined,
    headers: Object.keys(headers).length ? JSON.stringify(headers, null, 2) : undefined,
  }));
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ERP graph · GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.production.min.js"></script>
  <script src="/graphiql/assets/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", window.location.href).href });
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, { fetcher, defaultTabs: ${inlineJson(tabs)}, shouldPersistHeaders: false }),
    );
  </script>
</body>
</html>`;
}

/** GET /graphiql: a GraphiQL served entirely by the gateway, with the landing page's examples. */
export function mountGraphiql(app: Express, examples: Example[], headers: Record<string, string>): void {
  const page = graphiqlPage(examples, headers);
  app.get("/graphiql", (_req, res) => {
    res.type("html").set("cache-control", "no-store").send(page);
  });
  const assets = express.Router();
  for (const [name, file] of Object.entries(ASSETS))
    assets.get(`/${name}`, (_req, res) => res.sendFile(file, { maxAge: "1d", immutable: true, dotfiles: "allow" }));
  app.use("/graphiql/assets", assets);
}

/** Sandbox's page with a way out when its CDN cannot be reached: a link to /graphiql. */
const GRAPHIQL_LINK = `<p>Offline or behind a firewall? <a href="/graphiql">Open GraphiQL</a>, served by this gateway with the same examples.</p>`;
const CORNER_LINK = `<a href="/graphiql" style="position:fixed;right:12px;bottom:8px;z-index:10;font:12px sans-serif">GraphiQL (works offline)</a>`;

function withGraphiqlLink(plugin: ApolloServerPlugin): ApolloServerPlugin {
  return {
    async serverWillStart(service) {
      const listener = await plugin.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!listener || !render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render();
          const html = typeof page.html === "string" ? page.html : await page.html();
          return {
            html: html
              .replace(/(<div class="fallback">[\s\S]*?<\/p>)/, `$1\n  ${GRAPHIQL_LINK}`)
              .replace(/<\/body>|$/, `${CORNER_LINK}$&`),
          };
        },
      };
    },
  };
}

/**
 * Apollo Sandbox on the gateway's URL (development only): it opens with every example as one
 * document of named operations, telemetry off, and links to /graphiql for when it cannot load.
 */
export function landingPage(options: { production: boolean; examples: Example[]; token?: string }): ApolloServerPlugin {
  if (options.production) return ApolloServerPluginLandingPageDisabled();
  const document = options.examples.map((e) => e.document).join("\n");
  const variables = Object.assign({}, ...options.examples.map((e) => e.variables ?? {}));
  return withGraphiqlLink(
    ApolloServerPluginLandingPageLocalDefault({
      embed: {
        runTelemetry: false,
        initialState: { ...(options.token && { sharedHeaders: { "x-api-key": options.token } }) },
      },
      includeCookies: false,
      document,
      variables,
    }),
  );
}

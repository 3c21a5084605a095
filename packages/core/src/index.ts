// The kernel's public API, named one by one: what a domain needs to define its subgraph and its
// business actions, and what the gateway and the test harness need to run them. The pieces the
// action runner composes (idempotency claims, stored payloads, outbox and audit writes) are not
// here, so a domain cannot write outside an idempotent, audited transaction.

// Mutations: each one a business action, named by its GraphQL field.
export type { ActionScope } from "./action.js";
export { type ActionInput, type ActionResolver, actionResolvers } from "./action-resolvers.js";
export { gatewaySecretFrom, signedHeaders } from "./auth/gateway-signature.js";
export { accessRuleOf } from "./auth/scope-directives.js";
export { abortableFetch, throwIfCancelled, withCancellation } from "./cancellation.js";
export { type Clock, clockDay, systemClock } from "./clock.js";
// Reading: Relay connections and per-request DataLoaders.
export {
  type Connection,
  capped,
  DEFAULT_PAGE_SIZE,
  defineKeyset,
  type Keyset,
  keysetPage,
  type ListOrder,
  MAX_PAGE_SIZE,
  type PageArgs,
  pageArgs,
  pageSize,
  type SortDirection,
} from "./connection.js";
// Who calls, and what a resolver receives.
export {
  ANONYMOUS_PRINCIPAL,
  encodePrincipal,
  HEADERS,
  hasScope,
  type Principal,
  type RequestInfo,
  requestIdFrom,
  requestLogger,
  type SubgraphContext,
} from "./context.js";
// The gateway's plumbing: database, schema, HTTP, limits, cancellation, signatures, logs.
export { type Database, isReachable, openDatabase, poolSizeFrom, withStartupLock } from "./database.js";
export { type LegalSeries, nextDocumentNumber, nextLegalNumber } from "./document-numbers.js";
export { errorMaskingPlugin, maskErrors } from "./error-masking.js";
// Errors a domain returns as data, and the codes callers see.
export {
  type BusinessError,
  BusinessRuleViolation,
  businessError,
  EdgeErrorCode,
  type FieldPath,
  type FieldRef,
  fieldPath,
  KernelErrorCode,
  type NotFound,
  queryNotFound,
  type Refuse,
  refusals,
} from "./errors.js";
// Events between domains.
export {
  DEAD_LETTER_QUEUE,
  EventBus,
  type EventBusOptions,
  eventBusSettings,
  type PendingEventWork,
  pendingEventWork,
} from "./events/event-bus.js";
export {
  type DeliveredEvent,
  type DeliveredEventOf,
  defineHandler,
  type EventHandler,
  handleOnce,
} from "./events/handler.js";
export { enqueueJob, type QueueWorker, workerQueue } from "./events/module-queues.js";
export { allConsumerQueues, type EventRoutes, eventRoutes } from "./events/routes.js";
export { onShutdown, type Readiness, type RunningServer, serveGraphQL } from "./http.js";
export { currentRequestScope, type HttpLimits, httpLimitsFromEnv, sendGraphQLError } from "./http-limits.js";
export {
  atLeast,
  atMost,
  below,
  contains,
  containsPattern,
  enableTextSearch,
  equals,
  MAX_FILTER_SET,
  narrow,
  oneOf,
} from "./list-filters.js";
export { listLoaderByKey, loaderById, loaderByKey } from "./loaders.js";
export { logger } from "./logger.js";
export { type DomainMigrations, migrateDomain } from "./migrations.js";
// Exact amounts and quantities.
export {
  currencyScale,
  Dec,
  decimalPlaces,
  fitsColumn,
  isDecimalString,
  type Money,
  money,
  QUANTITY_COLUMN,
  roundHalfEven,
} from "./money.js";
// The operations subgraph: dead letters and the audit trail, for operators.
export { operations } from "./operations/operations.js";
export { typenameOf } from "./references.js";
export { isKnownScope } from "./scopes.js";
// Settings a domain reads from the environment, checked when its subgraph is built.
export { defineSettings, type Setting, setting } from "./settings.js";
export { runStatements, sql } from "./sql.js";
export { defineStateMachine } from "./state-machine.js";
// A domain's module: its subgraph, schema, migrations, seed and scheduled jobs.
export {
  buildSubgraph,
  createSubgraphContext,
  defineSubgraph,
  loadSchemaFile,
  type OperationRunner,
  type SeedTools,
  type SubgraphModule,
  subgraphRunner,
  subgraphTypeDefs,
} from "./subgraph.js";
export { serveSubgraphProcess, startSubgraphServer } from "./subgraph-server.js";
export { type MaintenanceScope, runMaintenance, runScheduledAction } from "./system-actions.js";
// Validating input and query arguments.
export {
  assertFitsColumn,
  assertIds,
  assertQueryDate,
  assertReportPeriod,
  assertSearchText,
  checkLineQuantity,
  type DateWindow,
  fields,
  isoDay,
  isUuid,
  MAX_REPORT_DAYS,
  magnitudeProblem,
  parseInput,
  present,
  versionConflict,
} from "./validation.js";

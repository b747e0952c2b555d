import { atFlag, UserError, shown } from "../errors.js";
import type { Canonical } from "./layout.js";
import type { ColumnMapping } from "./mapping.js";
import type { PartsOf } from "./layout19-parts.js";
import { nearMissAmong } from "./near-miss.js";

/**
 * `--layout NAME`: the mappings of exports burnrate knows, from each provider's
 * documented field names. A layout is a mapping like any other (a mapping file
 * and `--map` go on top of it): token counts become the `input_tokens` and
 * `output_tokens` components, the model and the provider the `model` and
 * `provider` dimensions. Fields the provider documents that a card may or may
 * not read (cached tokens, cost, latency, even the model) are `optional`: read
 * when the card reads them, passed over otherwise; a card that needs one the
 * export lacks still says so at the row. Where a layout covers two shapes of one
 * provider's export, `alternatives` lists each canonical column's sources in
 * order and the first in the header is read.
 */
export interface UsageLayout extends ColumnMapping {
  about: string;
}

interface LayoutSpec {
  about: string;
  columns?: Partial<Record<Canonical, string | string[]>>;
  rename?: Record<string, string>;
  meter?: string;
  ignore?: string[];
  optional?: string[];
  rows?: string;
  sums?: Record<string, string[]>;
  morePages?: string;
  timestampUnit?: "seconds";
  /** The zone of the export's timestamps written without an offset: the service's own clock, UTC, not the account's. */
  timestampZone?: "UTC";
  /** Rows the export marks as not usage: a gateway's failed calls. */
  skipRows?: Record<string, string[]>;
  constants?: Record<string, string>;
  /** What a row is where it sums many events and gives no count of them: each is counted as one, and told (SkippedRows.uncounted). */
  uncounted?: string;
  /** Counts the export gives inside others, from its documentation: read less the parts a card prices (layout19-parts.ts). */
  within?: PartsOf[];
  /** A field and the field it is unique within (CloudEvents' id within its source): read as one value (ColumnMapping.scopes). */
  scopes?: Record<string, string>;
  /** Sources of one name, the first in the header read (a team's name before its generated id). */
  preferred?: Record<string, string[]>;
  /** Columns that name whom a row is for, with what each holds, the likeliest account first (ColumnMapping.accountSources). */
  accountSources?: Record<string, string>;
}

const SPECS: Record<string, LayoutSpec> = {
  cloudevents: {
    about: "OpenMeter's usage events (CloudEvents, JSON Lines): time, id, subject as the account, type as the meter, data.* fields",
    columns: { timestamp: "time", event_id: "id", account: "subject", meter: "type" },
    rename: { "data.model": "model", "data.provider": "provider", "data.input_tokens": "input_tokens", "data.output_tokens": "output_tokens", "data.prompt_tokens": "input_tokens", "data.completion_tokens": "output_tokens", "data.tokens": "tokens" },
    ignore: ["specversion", "source", "datacontenttype", "dataschema"],
    optional: ["data.tokens"],
    // CloudEvents 1.0: "Producers MUST ensure that source + id is unique for each distinct event", and OpenMeter
    // dedupes on both: two gateways each numbering their events from 1 send two events "1" (red team, stop 37).
    scopes: { id: "source" },
    timestampZone: "UTC",
  },
  "stripe-meter-events": {
    about: "Stripe billing meter events: event_name as the meter, identifier, timestamp in seconds, payload.stripe_customer_id as the account, payload.value as the quantity",
    columns: { timestamp: "timestamp", event_id: "identifier", account: "payload.stripe_customer_id", meter: "event_name", quantity: "payload.value" },
    rename: { "payload.model": "model", "payload.provider": "provider", "payload.input_tokens": "input_tokens", "payload.output_tokens": "output_tokens" },
    ignore: ["object", "livemode", "created"],
    timestampUnit: "seconds",
  },
  lago: {
    about: "Lago usage events: transaction_id, external_subscription_id as the account, code as the meter, timestamp in seconds, properties.* fields",
    columns: { timestamp: "timestamp", event_id: "transaction_id", account: "external_subscription_id", meter: "code" },
    rename: { "properties.model": "model", "properties.provider": "provider", "properties.input_tokens": "input_tokens", "properties.output_tokens": "output_tokens" },
    ignore: ["lago_id", "lago_customer_id", "lago_subscription_id", "created_at", "precise_total_amount_cents"],
    optional: ["external_customer_id"],
    timestampUnit: "seconds",
  },
  openrouter: {
    about: "OpenRouter's generation export (created_at, id, native_tokens_prompt and native_tokens_completion, else tokens_prompt and tokens_completion, provider_name) and activity export (date, requests, prompt_tokens, completion_tokens); every row is the meter `request`",
    columns: { timestamp: ["created_at", "date"], event_id: ["id", "generation_id"], quantity: ["requests"] },
    meter: "request",
    rename: { native_tokens_prompt: "input_tokens", native_tokens_completion: "output_tokens", tokens_prompt: "input_tokens", tokens_completion: "output_tokens", prompt_tokens: "input_tokens", completion_tokens: "output_tokens", provider_name: "provider", model: "model" },
    // The provider bills the counts of its model's own tokenizer (native_tokens_*); OpenRouter's tokens_* are the same
    // text counted by one tokenizer for every model, to compare them: read only where the native ones are not there
    // (red team, stop 38: 1,000 normalized tokens priced where 1,500 native were billed).
    preferred: { input_tokens: ["native_tokens_prompt", "tokens_prompt"], output_tokens: ["native_tokens_completion", "tokens_completion"] },
    // OpenRouter's native counts hold their cached and reasoning tokens, as its completion counts hold the reasoning ones.
    within: [
      { total: "native_tokens_prompt", parts: ["native_tokens_cached"] },
      { total: "tokens_prompt", parts: ["native_tokens_cached"] },
      { total: "native_tokens_completion", parts: ["native_tokens_reasoning"] },
      { total: "tokens_completion", parts: ["native_tokens_reasoning"] },
      { total: "completion_tokens", parts: ["reasoning_tokens"] },
    ],
    accountSources: { external_user: "the user each request named (its `user` field)" },
    optional: ["total_cost", "usage", "cache_discount", "upstream_id", "upstream_inference_cost", "model_permaslug", "endpoint_id", "reasoning_tokens", "byok_usage_inference", "app_id", "streamed", "cancelled", "latency", "moderation_latency", "generation_time", "finish_reason", "native_finish_reason", "tokens_prompt", "tokens_completion", "native_tokens_prompt", "native_tokens_completion", "native_tokens_reasoning", "native_tokens_cached", "num_media_prompt", "num_media_completion", "num_search_results", "origin", "is_byok", "api_type", "external_user", "router"],
    timestampZone: "UTC",
  },
  litellm: {
    about: "LiteLLM's spend logs (LiteLLM_SpendLogs): startTime (UTC), request_id, prompt_tokens, completion_tokens, model, custom_llm_provider as the provider, team_alias (the team's name) as the team, a row's team_id where its team_alias is empty or the export has none; every row is the meter `request`; a row of status failure is skipped",
    columns: { timestamp: "startTime", event_id: "request_id" },
    meter: "request",
    rename: { prompt_tokens: "input_tokens", completion_tokens: "output_tokens", model: "model", custom_llm_provider: "provider", team_alias: "team", team_id: "team" },
    // team_id is a UUID LiteLLM makes; an account's budgets are keyed by the team's name, its team_alias (red team, stop 37),
    // which a team's rows before it had an alias leave empty: read by the id then, row by row (rowFallbacks).
    preferred: { team: ["team_alias", "team_id"] },
    within: [{ total: "total_tokens", parts: ["prompt_tokens", "completion_tokens"] }],
    optional: ["call_type", "api_key", "spend", "total_tokens", "endTime", "completionStartTime", "model_id", "model_group", "api_base", "user", "metadata", "cache_hit", "cache_key", "request_tags", "end_user", "requester_ip_address", "messages", "response", "session_id", "status", "proxy_server_request", "mcp_namespaced_tool_name"],
    timestampZone: "UTC",
    skipRows: { status: ["failure"] },
    // LiteLLM's docs: end_user is the `user` a request names (a gateway's customer, or theirs), user the LiteLLM user whose key made it.
    accountSources: { end_user: "the customer each call was made for (the request's `user`)", user: "the LiteLLM user whose key made each call" },
  },
  helicone: {
    about: "Helicone's request export (CSV): request_created_at, request_id, model, provider, prompt_tokens, completion_tokens; every row is the meter `request`",
    columns: { timestamp: "request_created_at", event_id: "request_id" },
    meter: "request",
    rename: { prompt_tokens: "input_tokens", completion_tokens: "output_tokens", model: "model", provider: "provider" },
    within: [{ total: "total_tokens", parts: ["prompt_tokens", "completion_tokens"] }],
    accountSources: { request_user_id: "the user each request was made for (its Helicone-User-Id)", user_id: "the user each request was made for" },
    optional: ["request_model", "request_user_id", "request_path", "request_properties", "request_body", "request_prompt", "response_id", "response_created_at", "response_status", "response_body", "total_tokens", "cost", "cost_usd", "delay_ms", "time_to_first_token", "country_code", "cache_enabled", "user_id"],
    timestampZone: "UTC",
  },
  "openai-usage": {
    about: "OpenAI's organization usage API (completions buckets, one page per line): data.start_time in seconds, each of data.results a row with input_tokens, output_tokens, num_model_requests as the quantity, project_id as the account; provider openai",
    rows: "data.results",
    morePages: "has_more",
    columns: { timestamp: "data.start_time", quantity: "data.results.num_model_requests", account: "data.results.project_id" },
    meter: "request",
    rename: { "data.results.input_tokens": "input_tokens", "data.results.output_tokens": "output_tokens", "data.results.model": "model", "data.results.input_cached_tokens": "input_cached_tokens", "data.results.input_audio_tokens": "input_audio_tokens", "data.results.output_audio_tokens": "output_audio_tokens" },
    ignore: ["object", "has_more", "next_page", "data.object", "data.end_time", "data.results.object"],
    // OpenAI's input_tokens counts the cached ones and, as it documents the report now, the audio ones (red team, stop 37:
    // a card pricing cached input charged those tokens twice); its cached count spans audio, so the two are two groups.
    within: [
      { total: "data.results.input_tokens", parts: ["data.results.input_cached_tokens"] },
      { total: "data.results.input_tokens", parts: ["data.results.input_audio_tokens"] },
      { total: "data.results.output_tokens", parts: ["data.results.output_audio_tokens"] },
    ],
    optional: ["data.results.input_cached_tokens", "data.results.input_audio_tokens", "data.results.output_audio_tokens", "data.results.user_id", "data.results.api_key_id", "data.results.batch", "data.results.service_tier"],
    timestampUnit: "seconds",
    constants: { provider: "openai" },
  },
  "anthropic-usage": {
    about: "Anthropic's usage report (messages, one page per line): data.starting_at, each of data.results a row with the prompt's tokens (uncached_input_tokens, cache_creation's and cache_read_input_tokens, summed) as input_tokens, output_tokens, workspace_id as the account; provider anthropic",
    rows: "data.results",
    morePages: "has_more",
    columns: { timestamp: "data.starting_at", account: "data.results.workspace_id" },
    meter: "request",
    // The report splits the prompt; OpenAI's input_tokens, and the card's, is the whole of it (cached tokens a part, priced apart by a card that has their price).
    sums: { "data.results.input_tokens": ["data.results.uncached_input_tokens", "data.results.cache_creation.ephemeral_5m_input_tokens", "data.results.cache_creation.ephemeral_1h_input_tokens", "data.results.cache_read_input_tokens"] },
    // The sum's parts never count one token twice: a card pricing input_tokens and cache reads reads input_tokens less them.
    within: [{ total: "data.results.input_tokens", parts: ["data.results.uncached_input_tokens", "data.results.cache_creation.ephemeral_5m_input_tokens", "data.results.cache_creation.ephemeral_1h_input_tokens", "data.results.cache_read_input_tokens"] }],
    rename: { "data.results.input_tokens": "input_tokens", "data.results.uncached_input_tokens": "uncached_input_tokens", "data.results.output_tokens": "output_tokens", "data.results.model": "model", "data.results.cache_read_input_tokens": "cache_read_input_tokens", "data.results.cache_creation.ephemeral_5m_input_tokens": "cache_creation_5m_input_tokens", "data.results.cache_creation.ephemeral_1h_input_tokens": "cache_creation_1h_input_tokens", "data.results.server_tool_use.web_search_requests": "web_search_requests" },
    ignore: ["has_more", "next_page", "data.ending_at"],
    optional: ["data.results.cache_read_input_tokens", "data.results.cache_creation.ephemeral_5m_input_tokens", "data.results.cache_creation.ephemeral_1h_input_tokens", "data.results.server_tool_use.web_search_requests", "data.results.api_key_id", "data.results.service_tier", "data.results.context_window"],
    constants: { provider: "anthropic" },
    timestampZone: "UTC",
    // The report sums a bucket's requests' tokens and gives no count of the requests (OpenAI's gives num_model_requests).
    uncounted: "a time bucket's tokens, summed over its requests",
  },
};

export const LAYOUT_NAMES = Object.keys(SPECS);

/** The mapping of `--layout NAME`. */
export function usageLayout(name: string): UsageLayout {
  const spec = SPECS[name];
  if (!spec) throw new UserError(`unknown usage layout${layoutGuess(name, LAYOUT_NAMES)}`, atFlag("--layout"), `one of ${LAYOUT_NAMES.join(", ")}`, shown(name));
  const columns: ColumnMapping["columns"] = {};
  const alternatives: Partial<Record<Canonical, readonly string[]>> = {};
  for (const [c, source] of Object.entries(spec.columns ?? {}) as [Canonical, string | string[]][]) {
    if (typeof source === "string") columns[c] = source;
    else alternatives[c] = source;
  }
  return {
    about: spec.about,
    columns,
    alternatives,
    rename: new Map(Object.entries({ ...spec.rename })),
    meter: spec.meter,
    meterValues: new Map(),
    ignore: new Set(spec.ignore ?? []),
    optional: new Set([...(spec.optional ?? []), ...Object.keys(spec.rename ?? {})]),
    ...(spec.rows === undefined ? {} : { rows: spec.rows }),
    ...(spec.timestampUnit === undefined ? {} : { timestampUnit: spec.timestampUnit, ...(typeof spec.columns?.timestamp === "string" ? { timestampUnitOf: spec.columns.timestamp } : {}) }),
    ...(spec.timestampZone === undefined ? {} : { timestampZone: spec.timestampZone }),
    ...(spec.skipRows === undefined ? {} : { skipRows: new Map(Object.entries(spec.skipRows).map(([column, values]) => [column, new Set(values)])) }),
    ...(spec.constants === undefined ? {} : { constants: new Map(Object.entries(spec.constants)) }),
    ...(spec.sums === undefined ? {} : { sums: new Map(Object.entries(spec.sums)) }),
    ...(spec.morePages === undefined ? {} : { morePages: spec.morePages }),
    ...(spec.uncounted === undefined ? {} : { uncounted: spec.uncounted }),
    ...(spec.within === undefined ? {} : { within: spec.within }),
    ...(spec.scopes === undefined ? {} : { scopes: new Map(Object.entries(spec.scopes)) }),
    ...(spec.preferred === undefined ? {} : { preferred: new Map(Object.entries(spec.preferred)) }),
    ...(spec.accountSources === undefined ? {} : { accountSources: new Map(Object.entries(spec.accountSources)) }),
  };
}

/**
 * The layout a CSV header is the export of: its timestamp's column and at least three more of the columns the layout
 * reads by name. A header without a timestamp of burnrate's own then names the layout, not a fix a column at a time.
 */
export function layoutOfHeader(header: readonly string[]): { name: string; about: string; eventId?: string } | undefined {
  const names = new Set(header.map((h) => h.trim()));
  let best: { name: string; about: string; count: number; eventId?: string } | undefined;
  for (const [name, spec] of Object.entries(SPECS)) {
    const stamps = spec.columns?.timestamp;
    if (stamps === undefined || ![stamps].flat().some((s) => names.has(s))) continue;
    const read = new Set([...Object.values(spec.columns ?? {}).flat(), ...Object.keys(spec.rename ?? {})]);
    const count = [...read].filter((s) => names.has(s)).length;
    const eventId = [spec.columns?.event_id ?? []].flat().find((s) => names.has(s));
    if (count >= 4 && (best === undefined || count > best.count)) best = { name, about: spec.about, count, ...(eventId === undefined ? {} : { eventId }) };
  }
  return best && { name: best.name, about: best.about, ...(best.eventId === undefined ? {} : { eventId: best.eventId }) };
}

/** "; did you mean "litellm"?" for a layout name a typo, a case or a separator away from one (not a product a few letters off: openmeter is no openrouter). */
export function layoutGuess(name: string, names: readonly string[]): string {
  const near = nearMissAmong(name, names);
  return near === undefined ? "" : `; did you mean ${shown(near)}?`;
}

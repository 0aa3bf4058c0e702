/**
 * Which way is better for each figure: the one place it is declared. Rules are tried in order,
 * the first whose pattern matches a figure's name wins; a figure no rule matches is neutral
 * (compared and shown, never a regression).
 */
export type Direction = 'higher' | 'lower' | 'neutral';

const RULES: readonly { readonly pattern: RegExp; readonly direction: Direction; readonly why: string }[] = [
  { pattern: /^(orders_sent|orders_produced|results_received|requests|accepted|orders_on_topic|results|samples|analytics_total_orders|total_orders|mean_message_bytes|inventory_instances|java_steady_records|java_end_to_end_records|api_linger_ms|throttle_limit_per_s|status_\d+|orders_failed|malformed|dead_lettered|pending)$/, direction: 'neutral', why: 'a count or a setting of the run, not a result' },
  { pattern: /(_vs_java|_over_direct_produce_to_ack_p50_ms)$/, direction: 'lower', why: 'our latency over a reference' },
  { pattern: /share_of_java$/, direction: 'higher', why: 'our throughput over the best Java producer' },
  { pattern: /harness_us_per_message$/, direction: 'lower', why: "the load generator's own cost" },
  { pattern: /(_per_s|_mb_per_s)$/, direction: 'higher', why: 'a throughput' },
  { pattern: /_ms$/, direction: 'lower', why: 'a latency or a delay' },
  { pattern: /^max_total_lag$/, direction: 'lower', why: 'a backlog' },
  { pattern: /_s$/, direction: 'lower', why: 'a duration (time to drain, to produce)' },
];

export function directionOf(figure: string): Direction {
  return RULES.find((rule) => rule.pattern.test(figure))?.direction ?? 'neutral';
}

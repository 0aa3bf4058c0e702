/** Topic names, partitions and consumer groups: the defaults of docs/DESIGN.md. */
export const DEFAULT_TOPICS = {
  orders: 'order-events',
  inventory: 'inventory-events',
  deadLetter: 'orders-dlq',
} as const;

export const DEFAULT_PARTITIONS = 3;
export const DEAD_LETTER_PARTITIONS = 1;

export const DEFAULT_GROUPS = {
  inventory: 'inventory-service',
  analytics: 'analytics-service',
} as const;

export interface PipelineTopics {
  readonly orders: string;
  readonly inventory: string;
  readonly deadLetter: string;
  /** Partitions of the order and inventory topics when a stage creates them. */
  readonly partitions: number;
}

/** Headers on a dead-lettered message. */
export const DLQ_HEADERS = {
  error: 'error',
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
} as const;

import type { Kysely, Transaction } from 'kysely';
import type { KeyedNotifier } from '../../lib/keyed-notifier.js';
import type { InstanceRecord } from '../instance-record.js';
import type { Database } from './database-schema.js';
import { type EventSpec, InstanceStore, type PlannedChange, type Transition } from './instance-store.js';

/**
 * The instance store that tells `changes` about every row it wrote, after the write committed:
 * long-polls (`waitForInstanceState`) wake on it instead of polling the database. Every write of an
 * instance row goes through one of these methods, the reconciler's included.
 */
export class ObservedInstanceStore extends InstanceStore {
  constructor(
    db: Kysely<Database>,
    private readonly changes: KeyedNotifier,
  ) {
    super(db);
  }

  override async insert(record: InstanceRecord, alongside?: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    await super.insert(record, alongside);
    this.changes.publish([record.id]);
  }

  override async transition(id: string, transition: Transition): Promise<InstanceRecord | null> {
    const record = await super.transition(id, transition);
    if (record) this.changes.publish([id]);
    return record;
  }

  override async applyPlanned(changes: readonly PlannedChange[]): Promise<{ applied: number; events: number }> {
    const result = await super.applyPlanned(changes);
    // Rows a concurrent write won are published too: a waiter only re-reads.
    if (result.applied > 0) this.changes.publish(changes.map((change) => change.record.id));
    return result;
  }

  override async reopenFailedSpawn(id: string, event: EventSpec): Promise<InstanceRecord | null> {
    const record = await super.reopenFailedSpawn(id, event);
    if (record) this.changes.publish([id]);
    return record;
  }
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { type ConformanceReport, conformanceReportJson } from '../../governance/conformance/index.js';
import { newId } from '../ids.js';
import type { Database } from './database-schema.js';

/** A report as the API answers it and the store keeps it: the kit's report, the run, and for an adapter that was not run, why. */
export interface StoredConformanceReport extends ConformanceReport {
  readonly run_id: string;
  /** `emulator` or `live`. */
  readonly target: 'emulator' | 'live';
  readonly created_at: string;
  /** Set when the adapter was not run (spend not allowed, not loopback under emulator, no model), with why. */
  readonly skipped?: string;
  /** Compute: the owners the run's machines carried, and how many live machines still carry them after it (0, or the run fails). */
  readonly isolation?: { readonly owners: string[]; readonly remaining: number };
}

/** A file name part from an adapter name: what is not a letter, digit, dot, hyphen or underscore becomes `_`. */
const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * Conformance reports: a row each in `provider_conformance_reports`, and the latest of each capability
 * and adapter as a file, `<dataDir>/reports/conformance/<capability>-<adapter>.json` (keys sorted, one
 * trailing newline), written to a temporary name and renamed so a reader never sees half of it.
 */
export class ConformanceReportStore {
  readonly folder: string;

  constructor(
    private readonly db: Kysely<Database>,
    dataDir: string,
  ) {
    this.folder = join(dataDir, 'reports', 'conformance');
  }

  /** Where the latest report of an adapter is written. */
  fileFor(capability: string, adapter: string): string {
    return join(this.folder, `${fileSafe(capability)}-${fileSafe(adapter)}.json`);
  }

  async save(report: StoredConformanceReport): Promise<void> {
    const json = conformanceReportJson(report);
    await this.db
      .insertInto('provider_conformance_reports')
      .values({
        id: newId('cfr'),
        run_id: report.run_id,
        capability: report.capability,
        adapter: report.adapter,
        pass: report.pass ? 1 : 0,
        report: json,
        created_at: report.created_at,
      })
      .execute();
    mkdirSync(this.folder, { recursive: true });
    const path = this.fileFor(report.capability, report.adapter);
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, json, { flag: 'wx' });
      renameSync(temp, path);
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** The latest report of each capability and adapter, sorted by capability then adapter. */
  async latest(): Promise<StoredConformanceReport[]> {
    const rows = await this.db
      .selectFrom('provider_conformance_reports')
      .select(['report'])
      .where('id', 'in', (query) => query.selectFrom('provider_conformance_reports').select((eb) => eb.fn.max('id').as('id')).groupBy(['capability', 'adapter']))
      .orderBy('capability')
      .orderBy('adapter')
      .execute();
    return rows.map((row) => JSON.parse(row.report) as StoredConformanceReport);
  }

  /** Every report of one run, sorted by capability then adapter. */
  async ofRun(runId: string): Promise<StoredConformanceReport[]> {
    const rows = await this.db.selectFrom('provider_conformance_reports').select(['report']).where('run_id', '=', runId).orderBy('capability').orderBy('adapter').execute();
    return rows.map((row) => JSON.parse(row.report) as StoredConformanceReport);
  }
}

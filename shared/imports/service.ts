import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import type { WorkflowEngine } from '#shared/core/workflow-engine';
import { importKeys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { forbidden, notFound } from '#shared/core/errors';
import { hasRole, isOrgWide, type Role } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import { Session } from '#shared/core/session';
import { chunkRows, parseCsv } from './csv.ts';
import { customerFormat, orderFormat } from './rows.ts';
import { importCustomerChunk } from './customer-rows.ts';
import { importOrderChunk } from './order-rows.ts';
import { showJob, chunkItem, countChunk, errorItems, failJob, jobItem, listErrors, putAll, readChunk, readJob, type ImportJob, type ImportKind } from './store.ts';

export interface ImportDeps {
  db: Db;
  clock: Clock;
  engine: WorkflowEngine;
}

/** workflows/csv-import.asl.json: one task per chunk until the job is done. */
export const IMPORT_WORKFLOW = 'csv-import';

/** Who may import: managers and above; finance too for orders (it books revenue, it does not own customers). */
export const IMPORTERS: Record<ImportKind, Role[]> = { customers: ['manager', 'director', 'vp', 'admin'], orders: ['manager', 'director', 'vp', 'admin', 'finance'] };

export function createImportService({ db, clock, engine }: ImportDeps) {
  /**
   * One chunk: the next one the job has not counted (workflows/csv-import.asl.json calls this until `done`, one Lambda
   * invocation per chunk on AWS, in-process locally). Safe to run again: rows are idempotent, a chunk counts once.
   */
  async function processNextChunk(jobId: string): Promise<{ jobId: string; done: boolean }> {
    try {
      const job = await readJob(db, jobId);
      if (!job || job.status === 'done' || job.status === 'failed' || job.chunksDone >= job.chunks) return { jobId, done: true };
      const session = new Session(db, { userId: job.createdBy, groups: job.roles as Role[] });
      const importChunk = job.kind === 'customers' ? importCustomerChunk : importOrderChunk;
      const n = job.chunksDone;
      const rows = await readChunk(db, jobId, n);
      const outcome = await importChunk({ db, clock, session }, rows);
      await putAll(db, errorItems(jobId, outcome.errors));
      await countChunk(db, jobId, n, outcome, rows.length, n === job.chunks - 1, clock.now().toISOString());
      return { jobId, done: n + 1 >= job.chunks };
    } catch (error) {
      // An unexpected failure (the table, a bug) stops the job visibly; the rows already written stay written.
      console.error(JSON.stringify({ level: 'error', message: 'import failed', jobId, error: (error as Error).message }));
      await failJob(db, jobId, 'The import stopped on an unexpected error; it has been logged. Importing the file again continues where it stopped.', clock.now().toISOString());
      return { jobId, done: true };
    }
  }

  return {
    processNextChunk,

    /**
     * Checks the caller and the header, parses every row, stores the job and its rows in chunks, and starts the
     * import workflow without waiting for it (202). Rows that do not even have the header's column count are reported now.
     */
    async start(session: Session, kind: ImportKind, text: string): Promise<ImportJob> {
      const { principal } = await session.load();
      if (!hasRole(principal, ...IMPORTERS[kind])) throw forbidden(`Importing ${kind} takes one of the roles ${IMPORTERS[kind].join(', ')}`);
      const { rows, errors } = parseCsv(text, kind === 'customers' ? customerFormat : orderFormat);
      const chunks = chunkRows(rows);
      const now = clock.now().toISOString();
      const job: ImportJob = {
        id: newId(),
        kind,
        status: chunks.length > 0 ? 'queued' : 'done',
        rowsTotal: rows.length + errors.length,
        rowsDone: errors.length,
        rowsFailed: errors.length,
        rowsCreated: 0,
        rowsExisting: 0,
        rowsFlagged: 0,
        chunks: chunks.length,
        chunksDone: 0,
        createdBy: principal.userId,
        roles: principal.roles,
        createdAt: now,
        ...(chunks.length > 0 ? {} : { finishedAt: now }),
      };
      // The job item last: a job that exists always has all of its chunks.
      await putAll(db, [...chunks.map((c, n) => chunkItem(job.id, n, c)), ...errorItems(job.id, errors), jobItem(job)]);
      // Named after the job: starting it twice is one execution.
      if (chunks.length > 0) await engine.startExecution({ workflow: IMPORT_WORKFLOW, name: `import-${job.id}`, input: { jobId: job.id } });
      return job;
    },

    /** The job with one page of its row error report; the importer and org-wide roles may read it. */
    async get(session: Session, id: string, page: { limit: number; cursor?: string }) {
      const { principal, items } = await session.load([importKeys.job(id)]);
      const job = items[0] && fromItem<ImportJob>(items[0]);
      if (!job || (job.createdBy !== principal.userId && !isOrgWide(principal))) throw notFound(`Import ${id}`);
      return { ...showJob(job), errors: await listErrors(db, id, page.limit, page.cursor) };
    },
  };
}

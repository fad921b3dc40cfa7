import { createImportService } from '#shared/imports/service';
import type { TaskDeps } from '#shared/core/task';
import { lambdaTask } from './lambda-task.ts';

/** CSV import workflow task (workflows/csv-import.asl.json): the job's next chunk of rows. */
export const run = (event: { jobId: string }, deps: TaskDeps) => createImportService(deps).processNextChunk(event.jobId);
export const handler = lambdaTask(run);

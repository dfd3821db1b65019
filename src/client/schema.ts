// Generated from openapi/openapi.json by `npm run openapi` (openapi-typescript); do not edit.
export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description The Prometheus text exposition format. Jobs, queues and workers are read from the store and Redis at scrape time (the same in every api process); request counts and latencies are this api process’s own. With FSDFM_AUTH=on: a superuser’s or a project admin’s token. README, "Operating it", lists every metric.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers as long as the process runs; says nothing about the store or Redis (see /ready).
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description 200 when the store (PostgreSQL) and the queue (Redis) both answer within 2000 ms, else 503 saying which does not.
         */
        get: operations["getReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List jobs
         * @description Filters combine with AND; pages are cursor-based and stable under concurrent inserts.
         */
        get: operations["listJobs"];
        put?: never;
        /**
         * Submit a job
         * @description Validates the spec (schema, then references and sizes), stores the job and enqueues it. A 400 names every bad field and stores nothing. Fields with a default may be left out; the stored spec has them filled in.
         */
        post: operations["createJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a job */
        get: operations["getJob"];
        put?: never;
        post?: never;
        /**
         * Delete a job
         * @description A queued or running job is cancelled first. Its outputs (artifacts, checkpoint, samples) are removed (a running job’s once it has stopped); the job stays as a tombstone with deletedAt and deletedBy, so what referenced it can say what happened. Lists leave it out unless includeDeleted=true.
         */
        delete: operations["deleteJob"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a job
         * @description A queued job never starts (cancelled at once). A running job moves to cancelling, stops within one step, checkpoints and ends cancelled. 409 when it has already ended.
         */
        post: operations["cancelJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/rerun": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a job again
         * @description Submits the job’s stored spec (defaults filled in), name, tags, priority and GPUs again as a new job in the same project, whose `rerunOf` names this one. The spec is checked again (what it references may be gone: 400). Takes an Idempotency-Key like POST /v1/jobs.
         */
        post: operations["rerunJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a failed or cancelled training job
         * @description A failed or cancelled pretrain or distill job goes back on its queue as a new attempt and continues from its last checkpoint (model, EMA, optimiser, step and data order), to the steps its spec asks for; its crash retries (FSDFM_MAX_ATTEMPTS) count afresh. 409 not_resumable for other kinds or states, a sweep trial, or a job that left no checkpoint.
         */
        post: operations["resumeJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Metric time series of a job
         * @description `names` lists every metric the job has logged; `series` holds the points of those `name` selects (all without it). With `maxPoints` each series is summarised over the step range for a chart (see the parameter) instead of cut at `limit`.
         */
        get: operations["getJobMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The report of an evaluate job
         * @description Structured JSON, or a plain-text table with `Accept: text/plain`. 409 unless the job is a succeeded evaluate job.
         */
        get: operations["getJobReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/trace": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The denoising trace of a sample job
         * @description Every sample’s tokens after each solver step of a succeeded sample job submitted with `trace: true` (its trace.json): `frames[k]` is step k (0: the start), `tokens[sample][position]` a text piece or null while masked, `fixed` the positions given by the prompt or template. 404 `no_trace` for any other job.
         */
        get: operations["getJobTrace"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/artifacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Outputs of a job
         * @description Name, kind, size and sha256 of each file the job wrote, with its download path.
         */
        get: operations["listJobArtifacts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/artifacts/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an output
         * @description The file as stored: `.json` files as application/json, `.txt` as text/plain, anything else (checkpoints, token shards) as application/octet-stream. `X-SHA256` carries its checksum. `Range: bytes=<first>-` continues a download cut off part-way (206, as application/octet-stream).
         */
        get: operations["downloadJobArtifact"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The log of a job, so far or followed
         * @description The lines the job has logged so far, one per line. With `follow=true` and a job that has not ended, the answer stays open and new lines follow as the job logs them; it ends when the job ends.
         */
        get: operations["getJobLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Submit pretrain -> distill -> evaluate
         * @description Creates the three jobs at once (distill.parentId = the pretrain job, evaluate.parentId = the distill job). Each stage starts when the one before it succeeded; a failed or cancelled stage fails the stages after it with a reason naming it.
         */
        post: operations["createPipeline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow one job
         * @description Replays the job’s events after Last-Event-ID (all of them without it), then streams live ones; ends after the terminal state. 204 when the job has ended and nothing is after Last-Event-ID.
         */
        get: operations["streamJobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow every job
         * @description Live events of all jobs; with Last-Event-ID, first the ones after it.
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/solvers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Solvers and their parameters */
        get: operations["listSolvers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List sweeps
         * @description Newest first.
         */
        get: operations["listSweeps"];
        put?: never;
        /**
         * Submit a sweep
         * @description Varies dotted paths of `base.spec` over a grid or seeded random draws and runs each trial as a job (tagged `sweep:<id>`), at most maxConcurrent at once, judging trials by the objective and stopping weak ones early when asked. Every trial is validated like a job submission first; a 400 names the /space/<path> or /base field at fault and stores nothing.
         */
        post: operations["createSweep"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a sweep
         * @description Trial counts by state, the trials table (parameters, state, objective, key metrics) sorted by the objective, and the best trial.
         */
        get: operations["getSweep"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}/trials.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The trials table as CSV
         * @description One row per trial, best first: trial, state, objective, a column per parameter and per key metric, jobId, note.
         */
        get: operations["getSweepTrialsCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a sweep
         * @description The sweep ends cancelled: queued trials never start, running trials are cancelled (they stop within one step); finished trials keep their results.
         */
        post: operations["cancelSweep"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a text for a dataset job
         * @description The request body is the text itself (plain text with documents separated by blank lines, or JSON Lines), sent as text/plain, application/octet-stream, application/x-ndjson, application/jsonl; at most FSDFM_MAX_UPLOAD_BYTES (1073741824 bytes here). Use the returned id as `uploadId` of a dataset spec with `source: upload`.
         */
        post: operations["createUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read an upload’s size and checksum */
        get: operations["getUpload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an upload’s bytes
         * @description As uploaded, with `X-SHA256`; `Range: bytes=<first>-` continues a download cut off part-way (206). Workers without the artifact directory fetch dataset texts here.
         */
        get: operations["downloadUpload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List workers
         * @description Workers heard from within the last 7 days: live ones first, then lost, then stopped, each by name. A worker is `lost` when it has been silent for 3 of its heartbeat intervals without stopping. Versions come from its registration; devices (memory, utilisation) and current jobs from its latest heartbeat.
         */
        get: operations["listWorkers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List queues
         * @description data, cpu, and every queue a worker heard from this week serves or a job not yet finished was put on; counts as Redis holds them now.
         */
        get: operations["listQueues"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/queues/{name}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a queue
         * @description Every worker process stops taking new jobs from the queue (jobs already running finish); submissions are still accepted and wait. A superuser only.
         */
        post: operations["pauseQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/queues/{name}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a queue
         * @description Workers take jobs from the queue again. A superuser only.
         */
        post: operations["resumeQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller: subject and roles */
        get: operations["whoAmI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tokens
         * @description A superuser sees every token; a project admin the tokens whose every grant is in a project it administers.
         */
        get: operations["listTokens"];
        put?: never;
        /**
         * Create a token
         * @description The token itself is in this answer only; the service keeps its hash. A project admin grants roles in the projects it administers; only a superuser creates superuser tokens.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a token
         * @description It stops working within a few seconds (api processes cache lookups briefly).
         */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The projects the caller can see */
        get: operations["listProjects"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create a project or set its quotas
         * @description A superuser creates projects; a project admin may set the quotas of its project.
         */
        put: operations["putProject"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stream-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A short-lived token for a browser’s event stream
         * @description EventSource cannot send headers: pass this token as `?access_token=` to /v1/events, /v1/jobs/{id}/events or /v1/jobs/{id}/logs. It reads what the caller may read, works on those routes only, and expires after 300 s; a long-lived token never goes into a URL (where logs would keep it).
         */
        post: operations["createStreamToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transfers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a resumable upload of a job’s output (workers)
         * @description For a worker without the artifact directory (FSDFM_ARTIFACTS=remote). Then send the bytes with PATCH /v1/transfers/{id}.
         */
        post: operations["openTransfer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transfers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How much of an upload the api holds
         * @description After a dropped connection: continue with PATCH from `offset`. A completed or refused transfer is gone (404).
         */
        get: operations["getTransfer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Send bytes of an upload, from the offset the api holds
         * @description The body is the next bytes of the file (application/offset+octet-stream or application/octet-stream), starting at Upload-Offset. Bytes that arrive before a connection drops are kept. The request that completes the file has it checked against the sha256: a match registers the artifact (complete: true), a mismatch answers 422 and keeps nothing.
         */
        patch: operations["appendTransfer"];
        trace?: never;
    };
    "/v1/projects/{name}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A project’s webhooks
         * @description Never their secrets. A project admin’s or a superuser’s: URLs may carry credentials of the receiver.
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Add a webhook to a project
         * @description Job events of the project are POSTed to `url` as JSON, signed with the secret in this answer (shown this once): `Fsdfm-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, with `Fsdfm-Delivery` (the same on every retry) and `Fsdfm-Event`. A project admin’s or a superuser’s.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{name}/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a webhook and its delivery log */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /**
         * Change a webhook: its URL, events, description, or pause it (active: false)
         * @description An inactive webhook gets no deliveries for new events; its pending ones wait until it is active again.
         */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/v1/projects/{name}/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A webhook’s deliveries, newest first, each with every attempt */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{name}/webhooks/{id}/deliveries/{deliveryId}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery again
         * @description Pending again and due now, with the same id and body; its log keeps the earlier attempts, and it gets FSDFM_WEBHOOK_MAX_ATTEMPTS more.
         */
        post: operations["redeliverWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Every error response */
        ErrorBody: {
            error: {
                /**
                 * @description Stable machine-readable code: invalid_request (400), invalid_json (400), invalid_cursor (400), unauthorized (401), forbidden (403), not_found (404), no_trace (404), not_cancellable (409), not_resumable (409), no_report (409), attempt_superseded (409), upload_offset_mismatch (409), artifact_missing (410), checksum_mismatch (422), idempotency_mismatch (422), rate_limited (429), quota_exceeded (429), payload_too_large (413), unsupported_media_type (415), internal (500), store_unavailable (503), queue_unavailable (503)
                 * @enum {string}
                 */
                code: "invalid_request" | "invalid_json" | "invalid_cursor" | "unauthorized" | "forbidden" | "not_found" | "no_trace" | "not_cancellable" | "not_resumable" | "no_report" | "attempt_superseded" | "upload_offset_mismatch" | "artifact_missing" | "checksum_mismatch" | "idempotency_mismatch" | "rate_limited" | "quota_exceeded" | "payload_too_large" | "unsupported_media_type" | "internal" | "store_unavailable" | "queue_unavailable";
                /** @description What is wrong, for people */
                message: string;
                /** @description What to do about it */
                hint?: string;
                details?: {
                    /** @description JSON pointer of the offending field, e.g. /spec/stepSizes */
                    path: string;
                    /** @description Why it is wrong */
                    message: string;
                }[];
            };
        };
        /** @description Result of a sample job */
        SampleResult: {
            /**
             * Format: uuid
             * @description The dataset the job read (its vocabulary)
             */
            datasetJobId?: string;
            /** @description Size of the token vocabulary */
            vocabSize?: number;
            /** @description The run was stopped; the fields are what it had when it stopped */
            cancelled?: boolean;
            /** @description Sampling steps taken */
            steps: number;
            /** @description The samples, decoded */
            samples?: ({
                /** @description Decoded text */
                text: string;
                /** @description Token ids */
                tokens: number[];
            } & {
                [key: string]: unknown;
            })[];
            /** @description The model came from the worker’s model cache */
            cacheHit?: boolean;
            seqLen?: number;
            wallSeconds?: number | null;
        } & {
            [key: string]: unknown;
        };
        /** @description Result of an evaluate job */
        EvaluateResult: {
            /**
             * Format: uuid
             * @description The dataset the job read (its vocabulary)
             */
            datasetJobId?: string;
            /** @description Size of the token vocabulary */
            vocabSize?: number;
            /** @description The run was stopped; the fields are what it had when it stopped */
            cancelled?: boolean;
            report: components["schemas"]["EvaluateReport"];
            /** @description The report as a plain-text table */
            reportTable?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description The report of an evaluate job (python/fsdfm/evaluate.py). Entropies are in nats */
        EvaluateReport: {
            /** @description By model name */
            models?: {
                [key: string]: {
                    /** @description teacher, student or arm */
                    kind?: string;
                    /** @description The evaluated checkpoint, as the URL of its artifact */
                    checkpoint?: string;
                    step?: number | null;
                    seqLen?: number;
                    /** @description By step budget (e.g. "8") */
                    budgets?: {
                        [key: string]: {
                            /** @description Generative perplexity of the samples under each judge */
                            genPpl?: {
                                [key: string]: number | null;
                            };
                            /** @description Standard error of the mean perplexity, per judge */
                            genPplStdErr?: {
                                [key: string]: number | null;
                            };
                            entropy?: number | null;
                            wallSeconds?: number | null;
                            tokensPerSecond?: number | null;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                    elbo?: number | null;
                    elboNats?: number | null;
                    infillAccuracy?: number | null;
                } & {
                    [key: string]: unknown;
                };
            };
            /** @description The dataset job whose validation split was used, as its URL */
            dataset?: string;
            /** @description Judge names, e.g. ngram3, arm */
            judges?: string[];
            stepBudgets?: number[];
            /** @description The validation text (and an ARM judge’s own samples) scored the same way; entropy in nats */
            reference?: {
                [key: string]: unknown;
            };
            /** @description Paired comparisons with 95% intervals */
            paired?: ({
                /** @description model@steps */
                a: string;
                /** @description model@steps */
                b: string;
                judge?: string;
                n?: number;
                meanA?: number | null;
                meanB?: number | null;
                diff?: number | null;
                diffCi95?: (number | null)[] | null;
                diffExcludesZero?: boolean;
                ratio?: number | null;
                ratioCi95?: (number | null)[] | null;
                ratioExcludesOne?: boolean;
                /** @description Why the pair could not be compared */
                error?: string;
            } & {
                [key: string]: unknown;
            })[];
        } & {
            [key: string]: unknown;
        };
        /** @description Result of a pretrain or distill job */
        TrainResult: {
            /**
             * Format: uuid
             * @description The dataset the job read (its vocabulary)
             */
            datasetJobId?: string;
            /** @description Size of the token vocabulary */
            vocabSize?: number;
            /** @description The run was stopped; the fields are what it had when it stopped */
            cancelled?: boolean;
            finalStep: number | null;
            finalLoss?: number | null;
            /** @description Tokens per training sequence */
            seqLen?: number;
            /** @description Where to download the checkpoint: /v1/jobs/{id}/artifacts/checkpoint.pt */
            checkpoint?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description Result of a dataset job */
        DatasetResult: {
            /** @description Ids in the shards are below this */
            vocabSize?: number;
            /** @description A compact vocabulary (compactVocab) was used */
            compact?: boolean;
            /** @description Tokens per split */
            tokens?: {
                train: number;
                validation: number;
            };
            /** @description Documents per split */
            documents?: {
                train: number;
                validation: number;
            };
        } & {
            [key: string]: unknown;
        };
        /** @description What a cancelled run left */
        PartialResult: {
            /**
             * Format: uuid
             * @description The dataset the job read (its vocabulary)
             */
            datasetJobId?: string;
            /** @description Size of the token vocabulary */
            vocabSize?: number;
            /** @enum {boolean} */
            cancelled: true;
        } & {
            [key: string]: unknown;
        };
        /** @description What ran the job: code version, library versions, device, host, seed */
        Provenance: {
            code: {
                /** @description The fsdfm package version */
                version: string;
                commit: string | null;
                dirty: boolean | null;
            };
            /** @description Node.js version of the worker */
            node: string;
            python: string | null;
            torch: string | null;
            cuda: string | null;
            /** @description cpu, or the GPU model and count */
            device: string;
            host: string;
            worker: string;
            seed: number | null;
            /** @description The attempt this describes */
            attempt: number;
            /**
             * Format: date-time
             * @description When that attempt started
             */
            at: string;
        };
        Job: {
            /** Format: uuid */
            id: string;
            /** @description The project it belongs to */
            project: string;
            createdBy: string | null;
            deletedAt: string | null;
            deletedBy: string | null;
            /**
             * @description What the job does
             * @enum {string}
             */
            kind: "dataset" | "pretrain" | "distill" | "evaluate" | "sample";
            /** @enum {string} */
            state: "queued" | "running" | "succeeded" | "failed" | "cancelling" | "cancelled";
            name: string | null;
            spec: {
                [key: string]: unknown;
            };
            priority: number;
            gpus: number;
            tags: string[];
            /** @description Times a worker started the job */
            attempt: number;
            worker: string | null;
            device: string | null;
            progress: ({
                step?: number;
                total?: number;
                loss?: number | null;
                tokensPerSecond?: number | null;
                etaSeconds?: number | null;
            } & {
                [key: string]: unknown;
            }) | null;
            result: (components["schemas"]["SampleResult"] | components["schemas"]["EvaluateResult"] | components["schemas"]["TrainResult"] | components["schemas"]["DatasetResult"] | components["schemas"]["PartialResult"]) | null;
            error: ({
                code?: string;
                type?: string;
                message: string;
                /** @description Last Python frame: file:line in function */
                frame?: string;
                traceback?: string;
            } & {
                [key: string]: unknown;
            }) | null;
            parentId: string | null;
            sweepId: string | null;
            rerunOf: string | null;
            provenance: components["schemas"]["Provenance"] | null;
            cancelRequested: boolean;
            unschedulable?: string | null;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            /** Format: date-time */
            updatedAt: string;
        };
        Worker: {
            name: string;
            host: string;
            /** @description Queues it takes jobs from: data, cpu, gpuN */
            queues: string[];
            gpus: number;
            memoryBytes: number | null;
            /** @description live: heartbeating; lost: silent for three of its heartbeat intervals without having stopped (killed, hung, cut off); stopped: shut down */
            status: "live" | "lost" | "stopped";
            /** @description status is live: what the api counts when it decides whether some worker can run a job */
            live: boolean;
            /** @description How often it heartbeats (its FSDFM_HEARTBEAT_MS) */
            heartbeatMs: number;
            versions: {
                node: string | null;
                python: string | null;
                torch: string | null;
                cuda: string | null;
            };
            /** @description Its GPUs (or its CPU), sampled at its latest heartbeat */
            devices: components["schemas"]["WorkerDevice"][];
            /** @description The jobs it runs now (as of its latest heartbeat; empty once it stopped) */
            jobs: components["schemas"]["WorkerJob"][];
            /** Format: date-time */
            startedAt: string;
            /** Format: date-time */
            heartbeatAt: string;
            stoppedAt: string | null;
        };
        WorkerDevice: {
            kind: "cpu" | "cuda";
            index: number | null;
            /** @description GPU model, or the CPU model */
            name: string;
            memoryTotalBytes: number | null;
            memoryUsedBytes: number | null;
            memoryReservedBytes: number | null;
            utilizationPercent: number | null;
        };
        WorkerJob: {
            /** Format: uuid */
            id: string;
            /**
             * @description What the job does
             * @enum {string}
             */
            kind: "dataset" | "pretrain" | "distill" | "evaluate" | "sample";
            /** @description The job’s attempt this worker runs */
            attempt: number;
            /** Format: date-time */
            startedAt: string;
        };
        Queue: {
            /** @description data, cpu or gpuN */
            name: string;
            /** @description Jobs waiting for a worker (BullMQ waiting and prioritized). Fair share keeps each project’s backlog in the store and only a few of its jobs here */
            waiting: number;
            /** @description Jobs a worker holds (BullMQ active) */
            running: number;
            delayed: number;
            oldestWaitSeconds: number | null;
            /** @description No worker takes a new job from it until it is resumed */
            paused: boolean;
        };
        Token: {
            /** Format: uuid */
            id: string;
            name: string;
            /** @description The first characters of the token, to recognise it */
            prefix: string;
            /** @description Who acts with it (recorded on what they do) */
            subject: string;
            superuser: boolean;
            grants: {
                /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                project: string;
                /**
                 * @description viewer: read; member: also submit and cancel; admin: also tokens and quotas
                 * @enum {string}
                 */
                role: "viewer" | "member" | "admin";
            }[];
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            expiresAt: string | null;
            revokedAt: string | null;
            lastUsedAt: string | null;
        };
        Project: {
            name: string;
            /** @description Most queued jobs at once (null: no limit) */
            maxQueued: number | null;
            /** @description Most GPU jobs running at once (null: no limit) */
            maxRunningGpu: number | null;
            /** Format: date-time */
            createdAt: string;
        };
        Webhook: {
            /** Format: uuid */
            id: string;
            project: string;
            /** @description Where deliveries are POSTed */
            url: string;
            events: ("job.queued" | "job.running" | "job.succeeded" | "job.failed" | "job.cancelling" | "job.cancelled" | "job.deleted")[];
            /** @description An inactive webhook gets no new deliveries, and its pending ones wait */
            active: boolean;
            description: string | null;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        WebhookDelivery: {
            /**
             * Format: uuid
             * @description Sent as Fsdfm-Delivery on every attempt: receivers drop a delivery they have seen
             */
            id: string;
            /** Format: uuid */
            webhookId: string;
            /**
             * @description job.<state> when a job enters that state; job.deleted when it is deleted
             * @enum {string}
             */
            event: "job.queued" | "job.running" | "job.succeeded" | "job.failed" | "job.cancelling" | "job.cancelled" | "job.deleted";
            /** @description The event’s id in the job’s event stream */
            eventId: number;
            jobId: string | null;
            /**
             * @description pending: to be (re)tried at nextAttemptAt; delivered: a 2xx came; failed: out of attempts
             * @enum {string}
             */
            state: "pending" | "delivered" | "failed";
            attempts: number;
            nextAttemptAt: string | null;
            /** Format: date-time */
            createdAt: string;
            deliveredAt: string | null;
            /** @description Every attempt, oldest first */
            log: {
                attempt: number;
                /** Format: date-time */
                at: string;
                durationMs: number;
                status: number | null;
                error: string | null;
            }[];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type SchemaErrorBody = components['schemas']['ErrorBody'];
export type SchemaSampleResult = components['schemas']['SampleResult'];
export type SchemaEvaluateResult = components['schemas']['EvaluateResult'];
export type SchemaEvaluateReport = components['schemas']['EvaluateReport'];
export type SchemaTrainResult = components['schemas']['TrainResult'];
export type SchemaDatasetResult = components['schemas']['DatasetResult'];
export type SchemaPartialResult = components['schemas']['PartialResult'];
export type SchemaProvenance = components['schemas']['Provenance'];
export type SchemaJob = components['schemas']['Job'];
export type SchemaWorker = components['schemas']['Worker'];
export type SchemaWorkerDevice = components['schemas']['WorkerDevice'];
export type SchemaWorkerJob = components['schemas']['WorkerJob'];
export type SchemaQueue = components['schemas']['Queue'];
export type SchemaToken = components['schemas']['Token'];
export type SchemaProject = components['schemas']['Project'];
export type SchemaWebhook = components['schemas']['Webhook'];
export type SchemaWebhookDelivery = components['schemas']['WebhookDelivery'];
export type $defs = Record<string, never>;
export interface operations {
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metrics, text format 0.0.4 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                        version: string;
                        /** @description postgres or pglite */
                        store: string;
                        /** @description Workers in this process (fsdfm up), if any */
                        workers: unknown;
                    };
                };
            };
        };
    };
    getReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ready: boolean;
                        store: {
                            ok: boolean;
                            error?: string;
                        };
                        queue: {
                            ok: boolean;
                            error?: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ready: boolean;
                        store: {
                            ok: boolean;
                            error?: string;
                        };
                        queue: {
                            ok: boolean;
                            error?: string;
                        };
                    };
                };
            };
        };
    };
    listJobs: {
        parameters: {
            query?: {
                /** @description Only this project’s jobs (of those the caller can see) */
                project?: string;
                /** @description Also list deleted jobs (tombstones) */
                includeDeleted?: boolean;
                /** @description What the job does */
                kind?: "dataset" | "pretrain" | "distill" | "evaluate" | "sample";
                state?: "queued" | "running" | "succeeded" | "failed" | "cancelling" | "cancelled";
                tag?: string;
                createdAfter?: string;
                createdBefore?: string;
                sort?: "created_at" | "-created_at";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Job"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createJob: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A job to run: `kind` selects the spec schema */
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    kind: "dataset";
                    spec: {
                        /**
                         * @description brown: the bundled Brown corpus; upload: an upload (`uploadId`, from POST /v1/uploads) or inline `text`; path: a file or folder under FSDFM_INPUT_ROOT
                         * @default brown
                         */
                        source?: "brown" | "upload" | "path";
                        /** @description Inline text (source=upload), for small texts; stored as an upload, so the job shows `uploadId` instead. Larger texts: POST /v1/uploads */
                        text?: string;
                        /**
                         * Format: uuid
                         * @description An upload from POST /v1/uploads (source=upload)
                         */
                        uploadId?: string;
                        /**
                         * @description text: documents separated by blank lines; jsonl: one {"text": ...} object per line
                         * @default text
                         */
                        format?: "text" | "jsonl";
                        /** @description Server-side path relative to FSDFM_INPUT_ROOT (source=path) */
                        path?: string;
                        /** @description Use at most this many documents */
                        maxDocuments?: number;
                        /** @description Keep the K most frequent GPT-2 tokens plus one unknown token (for CPU-sized models); omit for the full vocabulary */
                        compactVocab?: number;
                        /**
                         * @description Share of documents held out for validation
                         * @default 0.05
                         */
                        validationFraction?: number;
                        /**
                         * @description Seed of the train/validation split
                         * @default 0
                         */
                        seed?: number;
                    };
                    /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                    project?: string;
                    /**
                     * @description Lower runs first: 1 is the most urgent
                     * @default 50
                     */
                    priority?: number;
                    /**
                     * @description GPUs the job needs; 0 runs on a CPU worker
                     * @default 0
                     */
                    gpus?: number;
                    /** @default [] */
                    tags?: string[];
                    name?: string;
                } | {
                    /** @enum {string} */
                    kind: "pretrain";
                    spec: {
                        /**
                         * Format: uuid
                         * @description Id of a finished job whose output this job uses
                         */
                        datasetJobId: string;
                        /**
                         * @description teacher: the DFM model conditioned on t; arm: the autoregressive baseline (also a judge)
                         * @default teacher
                         */
                        modelType?: "teacher" | "arm";
                        /** @description Model architecture */
                        model?: {
                            /**
                             * @description Size preset. tiny: hidden 64, 2 blocks (CPU tests); small: hidden 256, 4 blocks; base/0.17B: hidden 768, 12 blocks, 12 heads (paper); 1.3B: hidden 2048, 21 blocks; 1.7B: hidden 2048, 28 blocks
                             * @default tiny
                             * @enum {string}
                             */
                            preset?: "tiny" | "small" | "base" | "0.17B" | "1.3B" | "1.7B";
                            /** @description Overrides the preset hidden size */
                            hidden?: number;
                            /** @description Overrides the preset block count */
                            blocks?: number;
                            /** @description Overrides the preset head count */
                            heads?: number;
                            /** @description Conditioning vector size (paper: 128) */
                            condDim?: number;
                            /** @description Dropout (paper: 0.1) */
                            dropout?: number;
                            /**
                             * @description DiT attention bias. none (default): the paper’s architecture; local: a per-head penalty proportional to token distance (slopes 1 down to 2^-8(H-1)/H), which shortens the unigram plateau of small bidirectional models on long sequences (docs/method-notes.md). Ignored by an ARM
                             * @enum {string}
                             */
                            attentionBias?: "none" | "local";
                        };
                        /**
                         * @description Source distribution x_0
                         * @default mask
                         */
                        source?: "mask" | "uniform";
                        /**
                         * @description kappa(t) = t^n
                         * @default 1
                         */
                        schedulerExponent?: number;
                        /** @default cross_entropy */
                        loss?: "cross_entropy" | "generalized_kl";
                        /**
                         * @description EMA decay of the weights
                         * @default 0.999
                         */
                        emaDecay?: number;
                        /**
                         * @description Training times t are drawn from [0, 1 - timeEps): keeps the loss weight at t near 1 finite
                         * @default 0.001
                         */
                        timeEps?: number;
                        /**
                         * @description Peak learning rate (AdamW)
                         * @default 0.0003
                         */
                        lr?: number;
                        /**
                         * @description Linear warm-up steps (paper: 2,500 pre-training, 10k distillation)
                         * @default 50
                         */
                        warmupSteps?: number;
                        /**
                         * @description Cosine decay ends at minLrRatio * lr (paper: 0.1)
                         * @default 0.1
                         */
                        minLrRatio?: number;
                        /**
                         * @description AdamW weight decay (paper: 0.03)
                         * @default 0.03
                         */
                        weightDecay?: number;
                        /**
                         * @description Gradient norm clip, 0 = off (paper: 1.0)
                         * @default 1
                         */
                        gradClip?: number;
                        /**
                         * @description Gradient accumulation micro-steps per optimiser step
                         * @default 1
                         */
                        gradAccum?: number;
                        /**
                         * @description Sequences per optimiser step and GPU
                         * @default 16
                         */
                        batchSize?: number;
                        /**
                         * @description Tokens per sequence (paper: 1,024)
                         * @default 128
                         */
                        seqLen?: number;
                        /**
                         * @description Optimiser steps (at most FSDFM_MAX_TRAIN_STEPS)
                         * @default 500
                         */
                        steps?: number;
                        /**
                         * @description Write a checkpoint every this many steps (and at the end)
                         * @default 100
                         */
                        checkpointEvery?: number;
                        /**
                         * @description Record metrics every this many steps
                         * @default 10
                         */
                        logEvery?: number;
                        /**
                         * @description Seed of initialisation, data order and noise
                         * @default 0
                         */
                        seed?: number;
                        /**
                         * @description AdamW beta1
                         * @default 0.9
                         */
                        beta1?: number;
                        /**
                         * @description AdamW beta2
                         * @default 0.95
                         */
                        beta2?: number;
                        /**
                         * @description AdamW epsilon
                         * @default 1e-8
                         */
                        adamEps?: number;
                        /**
                         * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                         * @default auto
                         */
                        compile?: "auto" | boolean;
                        /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                        slurm?: {
                            /**
                             * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                             * @default 1
                             */
                            nodes?: number;
                            /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                            ranksPerNode?: number;
                            /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                            partition?: string;
                            /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                            timeLimitMinutes?: number;
                        };
                    };
                    /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                    project?: string;
                    /**
                     * @description Lower runs first: 1 is the most urgent
                     * @default 50
                     */
                    priority?: number;
                    /**
                     * @description GPUs the job needs; 0 runs on a CPU worker
                     * @default 0
                     */
                    gpus?: number;
                    /** @default [] */
                    tags?: string[];
                    name?: string;
                } | {
                    /** @enum {string} */
                    kind: "distill";
                    spec: {
                        /**
                         * Format: uuid
                         * @description Id of a finished job whose output this job uses
                         */
                        datasetJobId: string;
                        /**
                         * Format: uuid
                         * @description A finished pretrain job of modelType teacher
                         */
                        teacherJobId: string;
                        /**
                         * @description Shortcut teacher integrator. rk4: every stage on the path at the time it is labelled with; heun: two evaluations; rk4_reference: the public reference code’s stage placement (k3 and k4 see states off the path), for ablations (docs/method-notes.md)
                         * @default rk4
                         */
                        shortcut?: "rk4" | "heun" | "rk4_reference";
                        /** @description Step sizes at or below this learn the path loss against the data instead of the shortcut teacher. Default: the smallest grid step 2^-gridPowers alone, about half of the examples (the paper: h < 2^-9 on the 2^-10 grid) */
                        threshold?: number;
                        /**
                         * @description Step-size grid {2^0 .. 2^-gridPowers} (paper: 10)
                         * @default 10
                         */
                        gridPowers?: number;
                        /**
                         * @description EMA of the student that serves as shortcut teacher (paper: 0.9995)
                         * @default 0.9995
                         */
                        emaDecay?: number;
                        /**
                         * @description Trained pairs keep t + h <= 1 - timeEps; 0 is the method’s grid, which includes every sampler’s final step (t = 1 - h, h)
                         * @default 0
                         */
                        timeEps?: number;
                        /**
                         * @description Peak learning rate (paper: 1e-5 at 0.17B)
                         * @default 0.0001
                         */
                        lr?: number;
                        /**
                         * @description Linear warm-up steps (paper: 2,500 pre-training, 10k distillation)
                         * @default 50
                         */
                        warmupSteps?: number;
                        /**
                         * @description Cosine decay ends at minLrRatio * lr (paper: 0.1)
                         * @default 0.1
                         */
                        minLrRatio?: number;
                        /**
                         * @description AdamW weight decay (paper: 0.03)
                         * @default 0.03
                         */
                        weightDecay?: number;
                        /**
                         * @description Gradient norm clip, 0 = off (paper: 1.0)
                         * @default 1
                         */
                        gradClip?: number;
                        /**
                         * @description Gradient accumulation micro-steps per optimiser step
                         * @default 1
                         */
                        gradAccum?: number;
                        /**
                         * @description Sequences per optimiser step and GPU
                         * @default 16
                         */
                        batchSize?: number;
                        /**
                         * @description Tokens per sequence (paper: 1,024)
                         * @default 128
                         */
                        seqLen?: number;
                        /**
                         * @description Optimiser steps (at most FSDFM_MAX_TRAIN_STEPS)
                         * @default 500
                         */
                        steps?: number;
                        /**
                         * @description Write a checkpoint every this many steps (and at the end)
                         * @default 100
                         */
                        checkpointEvery?: number;
                        /**
                         * @description Record metrics every this many steps
                         * @default 10
                         */
                        logEvery?: number;
                        /**
                         * @description Seed of initialisation, data order and noise
                         * @default 0
                         */
                        seed?: number;
                        /**
                         * @description AdamW beta1
                         * @default 0.9
                         */
                        beta1?: number;
                        /**
                         * @description AdamW beta2
                         * @default 0.95
                         */
                        beta2?: number;
                        /**
                         * @description AdamW epsilon
                         * @default 1e-8
                         */
                        adamEps?: number;
                        /**
                         * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                         * @default auto
                         */
                        compile?: "auto" | boolean;
                        /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                        slurm?: {
                            /**
                             * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                             * @default 1
                             */
                            nodes?: number;
                            /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                            ranksPerNode?: number;
                            /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                            partition?: string;
                            /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                            timeLimitMinutes?: number;
                        };
                    };
                    /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                    project?: string;
                    /**
                     * @description Lower runs first: 1 is the most urgent
                     * @default 50
                     */
                    priority?: number;
                    /**
                     * @description GPUs the job needs; 0 runs on a CPU worker
                     * @default 0
                     */
                    gpus?: number;
                    /** @default [] */
                    tags?: string[];
                    name?: string;
                } | {
                    /** @enum {string} */
                    kind: "evaluate";
                    spec: {
                        /**
                         * Format: uuid
                         * @description Id of a finished job whose output this job uses
                         */
                        datasetJobId: string;
                        /** @description Finished pretrain/distill jobs to evaluate */
                        models: {
                            name?: string;
                            /** Format: uuid */
                            jobId: string;
                        }[];
                        /**
                         * @default [
                         *       {
                         *         "kind": "ngram",
                         *         "order": 3
                         *       }
                         *     ]
                         */
                        judges?: ({
                            /** @enum {string} */
                            kind: "ngram";
                            /** @default 3 */
                            order?: number;
                            /**
                             * @description kn: interpolated Kneser-Ney; addk: add-k
                             * @default kn
                             */
                            smoothing?: "kn" | "addk";
                        } | {
                            /** @enum {string} */
                            kind: "arm";
                            /**
                             * Format: uuid
                             * @description A finished pretrain job of modelType arm
                             */
                            jobId: string;
                        } | {
                            /** @enum {string} */
                            kind: "hf";
                            /** @description Local Hugging Face causal-LM directory under FSDFM_INPUT_ROOT */
                            path: string;
                        })[];
                        /**
                         * @default [
                         *       1,
                         *       2,
                         *       4,
                         *       8,
                         *       16,
                         *       32,
                         *       64
                         *     ]
                         */
                        stepBudgets?: number[];
                        /**
                         * @description cumulative_scalar: FS-DFM; dfm_euler: the DFM Euler baseline; mixture_euler: Poisson jump counts of the frozen rate g(t) p, a consistent first-order solver (not the reference code’s solver of that name, which jumps with probability 1 - exp(-(1 - p(z))) whatever t and h: docs/method-notes.md)
                         * @default cumulative_scalar
                         * @enum {string}
                         */
                        solver?: "cumulative_scalar" | "dfm_euler" | "mixture_euler";
                        /**
                         * @description Sampling temperature: logits are divided by it (0.01 to 10)
                         * @default 1
                         */
                        temperature?: number;
                        /**
                         * @description Generated samples per budget and model
                         * @default 8
                         */
                        samples?: number;
                        /** @default 8 */
                        batchSize?: number;
                        /** @description Generation length (default: the model’s training length) */
                        seqLen?: number;
                        /**
                         * @description Report the ELBO perplexity bound on validation data
                         * @default true
                         */
                        elbo?: boolean;
                        /** @default 16 */
                        elboTimePoints?: number;
                        /**
                         * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                         * @default auto
                         */
                        compile?: "auto" | boolean;
                        /**
                         * @description Report infilling accuracy on validation data
                         * @default true
                         */
                        infill?: boolean;
                        /**
                         * @description Share of tokens kept fixed in the infilling test
                         * @default 0.5
                         */
                        infillFraction?: number;
                        /** @description Sampling steps of the infilling test (default: the largest step budget up to 64) */
                        infillSteps?: number;
                        /** @default 0 */
                        seed?: number;
                        /** @description Paired comparisons besides the default ones (each model vs the first at every budget, each budget vs the largest, the entropy-matched control vs its target): difference and ratio of the mean perplexities with 95% paired intervals */
                        comparisons?: {
                            /** @description model@steps, e.g. student@8 (the entropy-matched control is <model>~matched@steps) */
                            a: string;
                            /** @description model@steps, e.g. teacher@256 */
                            b: string;
                        }[];
                        /** @description Entropy-matched control: the model at the temperature whose samples have the target’s mean entropy, reported as <model>~matched, so that a quality gain is not just sharper sampling */
                        matchEntropy?: {
                            /** @description Evaluated model to re-sample at a lower or higher temperature (e.g. the teacher) */
                            model: string;
                            /** @description Evaluated model whose sample entropy it matches (e.g. the student) */
                            target: string;
                            /**
                             * @description The target’s step budget (one of stepBudgets)
                             * @default 8
                             */
                            targetSteps?: number;
                            /**
                             * @description Budgets at which the control is sampled
                             * @default [
                             *       8
                             *     ]
                             */
                            budgets?: number[];
                            /**
                             * @description Relative entropy mismatch accepted
                             * @default 0.005
                             */
                            tolerance?: number;
                            /**
                             * @description Sample sets per budget the temperature search may spend
                             * @default 4
                             */
                            maxEvaluations?: number;
                        };
                        /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                        slurm?: {
                            /**
                             * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                             * @default 1
                             */
                            nodes?: number;
                            /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                            ranksPerNode?: number;
                            /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                            partition?: string;
                            /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                            timeLimitMinutes?: number;
                        };
                    };
                    /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                    project?: string;
                    /**
                     * @description Lower runs first: 1 is the most urgent
                     * @default 50
                     */
                    priority?: number;
                    /**
                     * @description GPUs the job needs; 0 runs on a CPU worker
                     * @default 0
                     */
                    gpus?: number;
                    /** @default [] */
                    tags?: string[];
                    name?: string;
                } | {
                    /** @enum {string} */
                    kind: "sample";
                    spec: {
                        /**
                         * Format: uuid
                         * @description A finished pretrain or distill job; omit to sample from a randomly initialised model
                         */
                        checkpointJobId?: string;
                        /** @description Model architecture */
                        model?: {
                            /**
                             * @description Size preset. tiny: hidden 64, 2 blocks (CPU tests); small: hidden 256, 4 blocks; base/0.17B: hidden 768, 12 blocks, 12 heads (paper); 1.3B: hidden 2048, 21 blocks; 1.7B: hidden 2048, 28 blocks
                             * @default tiny
                             * @enum {string}
                             */
                            preset?: "tiny" | "small" | "base" | "0.17B" | "1.3B" | "1.7B";
                            /** @description Overrides the preset hidden size */
                            hidden?: number;
                            /** @description Overrides the preset block count */
                            blocks?: number;
                            /** @description Overrides the preset head count */
                            heads?: number;
                            /** @description Conditioning vector size (paper: 128) */
                            condDim?: number;
                            /** @description Dropout (paper: 0.1) */
                            dropout?: number;
                            /**
                             * @description DiT attention bias. none (default): the paper’s architecture; local: a per-head penalty proportional to token distance (slopes 1 down to 2^-8(H-1)/H), which shortens the unigram plateau of small bidirectional models on long sequences (docs/method-notes.md). Ignored by an ARM
                             * @enum {string}
                             */
                            attentionBias?: "none" | "local";
                        };
                        /**
                         * @description cumulative_scalar: FS-DFM; dfm_euler: the DFM Euler baseline; mixture_euler: Poisson jump counts of the frozen rate g(t) p, a consistent first-order solver (not the reference code’s solver of that name, which jumps with probability 1 - exp(-(1 - p(z))) whatever t and h: docs/method-notes.md)
                         * @default cumulative_scalar
                         * @enum {string}
                         */
                        solver?: "cumulative_scalar" | "dfm_euler" | "mixture_euler";
                        /**
                         * @description Uniform steps h = 1/steps
                         * @default 8
                         */
                        steps?: number;
                        /** @description Explicit step sizes, each positive, summing to 1 (instead of uniform `steps`) */
                        stepSizes?: number[];
                        /**
                         * @description Sampling temperature: logits are divided by it (0.01 to 10)
                         * @default 1
                         */
                        temperature?: number;
                        /** @default 0 */
                        seed?: number;
                        /**
                         * @description Samples to draw
                         * @default 4
                         */
                        count?: number;
                        /**
                         * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                         * @default auto
                         */
                        compile?: "auto" | boolean;
                        /** @default 4 */
                        batchSize?: number;
                        /**
                         * @description Tokens per sample (default: 64, or the checkpoint’s training length when smaller)
                         * @default 64
                         */
                        seqLen?: number;
                        /** @description Text prefix kept fixed; the rest is generated */
                        prompt?: string;
                        /** @description Template with holes written [[N]] (N tokens to fill); the text around the holes stays fixed */
                        infill?: string;
                        /**
                         * @description Record every sample’s tokens after each solver step (masked positions as null): `trace` events on the job’s event stream while it runs, and GET /v1/jobs/{id}/trace afterwards. count × seqLen × (steps + 1) must stay within 2,000,000 token cells
                         * @default false
                         */
                        trace?: boolean;
                        /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                        slurm?: {
                            /**
                             * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                             * @default 1
                             */
                            nodes?: number;
                            /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                            ranksPerNode?: number;
                            /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                            partition?: string;
                            /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                            timeLimitMinutes?: number;
                        };
                    };
                    /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                    project?: string;
                    /**
                     * @description Lower runs first: 1 is the most urgent
                     * @default 50
                     */
                    priority?: number;
                    /**
                     * @description GPUs the job needs; 0 runs on a CPU worker
                     * @default 0
                     */
                    gpus?: number;
                    /** @default [] */
                    tags?: string[];
                    name?: string;
                };
            };
        };
        responses: {
            /** @description A retry with the same Idempotency-Key and body: the job the first request created */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @description The project it belongs to */
                        project: string;
                        createdBy: string | null;
                        deletedAt: string | null;
                        deletedBy: string | null;
                        /**
                         * @description What the job does
                         * @enum {string}
                         */
                        kind: "dataset" | "pretrain" | "distill" | "evaluate" | "sample";
                        /** @enum {string} */
                        state: "queued" | "running" | "succeeded" | "failed" | "cancelling" | "cancelled";
                        name: string | null;
                        spec: {
                            [key: string]: unknown;
                        };
                        priority: number;
                        gpus: number;
                        tags: string[];
                        /** @description Times a worker started the job */
                        attempt: number;
                        worker: string | null;
                        device: string | null;
                        progress: ({
                            step?: number;
                            total?: number;
                            loss?: number | null;
                            tokensPerSecond?: number | null;
                            etaSeconds?: number | null;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        result: (components["schemas"]["SampleResult"] | components["schemas"]["EvaluateResult"] | components["schemas"]["TrainResult"] | components["schemas"]["DatasetResult"] | components["schemas"]["PartialResult"]) | null;
                        error: ({
                            code?: string;
                            type?: string;
                            message: string;
                            /** @description Last Python frame: file:line in function */
                            frame?: string;
                            traceback?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        parentId: string | null;
                        sweepId: string | null;
                        rerunOf: string | null;
                        provenance: components["schemas"]["Provenance"] | null;
                        cancelRequested: boolean;
                        unschedulable?: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        startedAt: string | null;
                        finishedAt: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description checksum_mismatch or idempotency_mismatch: the Idempotency-Key was used with another body, or the bytes of an artifact transfer do not match its sha256 */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deleteJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    cancelJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_cancellable, not_resumable, no_report, attempt_superseded or upload_offset_mismatch: the resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    rerunJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A retry with the same Idempotency-Key: the job the first request created */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @description The project it belongs to */
                        project: string;
                        createdBy: string | null;
                        deletedAt: string | null;
                        deletedBy: string | null;
                        /**
                         * @description What the job does
                         * @enum {string}
                         */
                        kind: "dataset" | "pretrain" | "distill" | "evaluate" | "sample";
                        /** @enum {string} */
                        state: "queued" | "running" | "succeeded" | "failed" | "cancelling" | "cancelled";
                        name: string | null;
                        spec: {
                            [key: string]: unknown;
                        };
                        priority: number;
                        gpus: number;
                        tags: string[];
                        /** @description Times a worker started the job */
                        attempt: number;
                        worker: string | null;
                        device: string | null;
                        progress: ({
                            step?: number;
                            total?: number;
                            loss?: number | null;
                            tokensPerSecond?: number | null;
                            etaSeconds?: number | null;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        result: (components["schemas"]["SampleResult"] | components["schemas"]["EvaluateResult"] | components["schemas"]["TrainResult"] | components["schemas"]["DatasetResult"] | components["schemas"]["PartialResult"]) | null;
                        error: ({
                            code?: string;
                            type?: string;
                            message: string;
                            /** @description Last Python frame: file:line in function */
                            frame?: string;
                            traceback?: string;
                        } & {
                            [key: string]: unknown;
                        }) | null;
                        parentId: string | null;
                        sweepId: string | null;
                        rerunOf: string | null;
                        provenance: components["schemas"]["Provenance"] | null;
                        cancelRequested: boolean;
                        unschedulable?: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        startedAt: string | null;
                        finishedAt: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    resumeJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_cancellable, not_resumable, no_report, attempt_superseded or upload_offset_mismatch: the resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getJobMetrics: {
        parameters: {
            query?: {
                /** @description Comma-separated metric names */
                name?: string;
                stepFrom?: number;
                stepTo?: number;
                /** @description Points per series, lowest steps first (ignored with maxPoints) */
                limit?: number;
                /** @description Summarise each series over the whole step range in at most this many points (a chart asks for about 4 per pixel column): the range is cut into maxPoints/4 equal step buckets and each keeps its first, last, lowest and highest point with their exact values, so first and last points and extremes survive. A series with no more points than this comes back whole. Adds `total` to each series. */
                maxPoints?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        jobId: string;
                        /** @description Every metric name the job has logged (whatever `name` selects), e.g. train/loss, train/lr */
                        names: string[];
                        series: {
                            name: string;
                            points: {
                                step: number;
                                /** @description null where the stored value is NaN or ±Infinity (a diverged loss), which JSON cannot carry */
                                value: number | null;
                            }[];
                            /** @description With maxPoints: the points the series has in the range (more than `points` holds when summarised) */
                            total?: number;
                        }[];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getJobReport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report, and the same as a table */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        report: components["schemas"]["EvaluateReport"];
                        /** @description The report as a plain-text table */
                        table: string;
                    };
                    "text/plain": string;
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_cancellable, not_resumable, no_report, attempt_superseded or upload_offset_mismatch: the resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getJobTrace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A traced sample job’s denoising trace (trace.json) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Solver steps; frames holds steps + 1 frames */
                        steps: number;
                        /** @description fixed[sample][position]: given by the prompt or template, never generated */
                        fixed: boolean[][];
                        /** @description frames[k] is step k, with every sample */
                        frames: {
                            /** @description 0: the start; k: after solver step k */
                            step: number;
                            /** @description Time on the probability path, 0 to 1 */
                            t: number;
                            /** @description tokens[sample][position]: the token’s text piece (GPT-2 pieces carry their leading space, so a row’s pieces joined are its text), null while masked */
                            tokens: (string | null)[][];
                        }[];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description artifact_missing: the file is gone from the artifact store */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listJobArtifacts: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            name: string;
                            kind: string;
                            size: number;
                            sha256: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description Download path */
                            url: string;
                        }[];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    downloadJobArtifact: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file */
            200: {
                headers: {
                    /** @description sha256 of the file, hex */
                    "x-sha256"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                    "application/json": unknown;
                    "text/plain": string;
                };
            };
            /** @description The bytes asked for with `Range: bytes=<first>-[<last>]` */
            206: {
                headers: {
                    /** @description bytes <first>-<last>/<size> */
                    "content-range"?: string;
                    /** @description sha256 of the whole file, hex */
                    "x-sha256"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description artifact_missing: the file is gone from the artifact store */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getJobLogs: {
        parameters: {
            query?: {
                /** @description Keep the answer open and send new lines as the job logs them, until it ends */
                follow?: boolean;
                /** @description Only the last N lines logged so far */
                tail?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Log lines, newline-terminated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createPipeline: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description pretrain (a DFM teacher) -> distill (an FS-DFM student) -> evaluate (both), submitted as one BullMQ flow; a failed stage fails the stages after it */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description Id of a finished job whose output this job uses
                     */
                    datasetJobId: string;
                    pretrain: {
                        /** @description Model architecture */
                        model?: {
                            /**
                             * @description Size preset. tiny: hidden 64, 2 blocks (CPU tests); small: hidden 256, 4 blocks; base/0.17B: hidden 768, 12 blocks, 12 heads (paper); 1.3B: hidden 2048, 21 blocks; 1.7B: hidden 2048, 28 blocks
                             * @default tiny
                             * @enum {string}
                             */
                            preset?: "tiny" | "small" | "base" | "0.17B" | "1.3B" | "1.7B";
                            /** @description Overrides the preset hidden size */
                            hidden?: number;
                            /** @description Overrides the preset block count */
                            blocks?: number;
                            /** @description Overrides the preset head count */
                            heads?: number;
                            /** @description Conditioning vector size (paper: 128) */
                            condDim?: number;
                            /** @description Dropout (paper: 0.1) */
                            dropout?: number;
                            /**
                             * @description DiT attention bias. none (default): the paper’s architecture; local: a per-head penalty proportional to token distance (slopes 1 down to 2^-8(H-1)/H), which shortens the unigram plateau of small bidirectional models on long sequences (docs/method-notes.md). Ignored by an ARM
                             * @enum {string}
                             */
                            attentionBias?: "none" | "local";
                        };
                        /**
                         * @description Source distribution x_0
                         * @default mask
                         */
                        source?: "mask" | "uniform";
                        /**
                         * @description kappa(t) = t^n
                         * @default 1
                         */
                        schedulerExponent?: number;
                        /** @default cross_entropy */
                        loss?: "cross_entropy" | "generalized_kl";
                        /**
                         * @description EMA decay of the weights
                         * @default 0.999
                         */
                        emaDecay?: number;
                        /**
                         * @description Training times t are drawn from [0, 1 - timeEps): keeps the loss weight at t near 1 finite
                         * @default 0.001
                         */
                        timeEps?: number;
                        /**
                         * @description Peak learning rate (AdamW)
                         * @default 0.0003
                         */
                        lr?: number;
                        /**
                         * @description Linear warm-up steps (paper: 2,500 pre-training, 10k distillation)
                         * @default 50
                         */
                        warmupSteps?: number;
                        /**
                         * @description Cosine decay ends at minLrRatio * lr (paper: 0.1)
                         * @default 0.1
                         */
                        minLrRatio?: number;
                        /**
                         * @description AdamW weight decay (paper: 0.03)
                         * @default 0.03
                         */
                        weightDecay?: number;
                        /**
                         * @description Gradient norm clip, 0 = off (paper: 1.0)
                         * @default 1
                         */
                        gradClip?: number;
                        /**
                         * @description Gradient accumulation micro-steps per optimiser step
                         * @default 1
                         */
                        gradAccum?: number;
                        /**
                         * @description Sequences per optimiser step and GPU
                         * @default 16
                         */
                        batchSize?: number;
                        /**
                         * @description Tokens per sequence (paper: 1,024)
                         * @default 128
                         */
                        seqLen?: number;
                        /**
                         * @description Optimiser steps (at most FSDFM_MAX_TRAIN_STEPS)
                         * @default 500
                         */
                        steps?: number;
                        /**
                         * @description Write a checkpoint every this many steps (and at the end)
                         * @default 100
                         */
                        checkpointEvery?: number;
                        /**
                         * @description Record metrics every this many steps
                         * @default 10
                         */
                        logEvery?: number;
                        /**
                         * @description Seed of initialisation, data order and noise
                         * @default 0
                         */
                        seed?: number;
                        /**
                         * @description AdamW beta1
                         * @default 0.9
                         */
                        beta1?: number;
                        /**
                         * @description AdamW beta2
                         * @default 0.95
                         */
                        beta2?: number;
                        /**
                         * @description AdamW epsilon
                         * @default 1e-8
                         */
                        adamEps?: number;
                        /**
                         * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                         * @default auto
                         */
                        compile?: "auto" | boolean;
                        /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                        slurm?: {
                            /**
                             * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                             * @default 1
                             */
                            nodes?: number;
                            /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                            ranksPerNode?: number;
                            /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                            partition?: string;
                            /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                            timeLimitMinutes?: number;
                        };
                    };
                    distill: {
                        /**
                         * @description Shortcut teacher integrator. rk4: every stage on the path at the time it is labelled with; heun: two evaluations; rk4_reference: the public reference code’s stage placement (k3 and k4 see states off the path), for ablations (docs/method-notes.md)
                         * @default rk4
                         */
                        shortcut?: "rk4" | "heun" | "rk4_reference";
                        /** @description Step sizes at or below this learn the path loss against the data instead of the shortcut teacher. Default: the smallest grid step 2^-gridPowers alone, about half of the examples (the paper: h < 2^-9 on the 2^-10 grid) */
                        threshold?: number;
                        /**
                         * @description Step-size grid {2^0 .. 2^-gridPowers} (paper: 10)
                         * @default 10
                         */
                        gridPowers?: number;
                        /**
                         * @description EMA of the student that serves as shortcut teacher (paper: 0.9995)
                         * @default 0.9995
                         */
                        emaDecay?: number;
                        /**
                         * @description Trained pairs keep t + h <= 1 - timeEps; 0 is the method’s grid, which includes every sampler’s final step (t = 1 - h, h)
                         * @default 0
                         */
                        timeEps?: number;
                        /**
                         * @description Peak learning rate (paper: 1e-5 at 0.17B)
                         * @default 0.0001
                         */
                        lr?: number;
                        /**
                         * @description Linear warm-up steps (paper: 2,500 pre-training, 10k distillation)
                         * @default 50
                         */
                        warmupSteps?: number;
                        /**
                         * @description Cosine decay ends at minLrRatio * lr (paper: 0.1)
                         * @default 0.1
                         */
                        minLrRatio?: number;
                        /**
                         * @description AdamW weight decay (paper: 0.03)
                         * @default 0.03
                         */
                        weightDecay?: number;
                        /**
                         * @description Gradient norm clip, 0 = off (paper: 1.0)
                         * @default 1
                         */
                        gradClip?: number;
                        /**
                         * @description Gradient accumulation micro-steps per optimiser step
                         * @default 1
                         */
                        gradAccum?: number;
                        /**
                         * @description Sequences per optimiser step and GPU
                         * @default 16
                         */
                        batchSize?: number;
                        /**
                         * @description Tokens per sequence (paper: 1,024)
                         * @default 128
                         */
                        seqLen?: number;
                        /**
                         * @description Optimiser steps (at most FSDFM_MAX_TRAIN_STEPS)
                         * @default 500
                         */
                        steps?: number;
                        /**
                         * @description Write a checkpoint every this many steps (and at the end)
                         * @default 100
                         */
                        checkpointEvery?: number;
                        /**
                         * @description Record metrics every this many steps
                         * @default 10
                         */
                        logEvery?: number;
                        /**
                         * @description Seed of initialisation, data order and noise
                         * @default 0
                         */
                        seed?: number;
                        /**
                         * @description AdamW beta1
                         * @default 0.9
                         */
                        beta1?: number;
                        /**
                         * @description AdamW beta2
                         * @default 0.95
                         */
                        beta2?: number;
                        /**
                         * @description AdamW epsilon
                         * @default 1e-8
                         */
                        adamEps?: number;
                        /**
                         * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                         * @default auto
                         */
                        compile?: "auto" | boolean;
                        /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                        slurm?: {
                            /**
                             * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                             * @default 1
                             */
                            nodes?: number;
                            /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                            ranksPerNode?: number;
                            /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                            partition?: string;
                            /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                            timeLimitMinutes?: number;
                        };
                    };
                    evaluate?: {
                        /**
                         * @default [
                         *       {
                         *         "kind": "ngram",
                         *         "order": 3
                         *       }
                         *     ]
                         */
                        judges?: ({
                            /** @enum {string} */
                            kind: "ngram";
                            /** @default 3 */
                            order?: number;
                            /**
                             * @description kn: interpolated Kneser-Ney; addk: add-k
                             * @default kn
                             */
                            smoothing?: "kn" | "addk";
                        } | {
                            /** @enum {string} */
                            kind: "arm";
                            /**
                             * Format: uuid
                             * @description A finished pretrain job of modelType arm
                             */
                            jobId: string;
                        } | {
                            /** @enum {string} */
                            kind: "hf";
                            /** @description Local Hugging Face causal-LM directory under FSDFM_INPUT_ROOT */
                            path: string;
                        })[];
                        /**
                         * @default [
                         *       1,
                         *       2,
                         *       4,
                         *       8,
                         *       16,
                         *       32,
                         *       64
                         *     ]
                         */
                        stepBudgets?: number[];
                        /**
                         * @description cumulative_scalar: FS-DFM; dfm_euler: the DFM Euler baseline; mixture_euler: Poisson jump counts of the frozen rate g(t) p, a consistent first-order solver (not the reference code’s solver of that name, which jumps with probability 1 - exp(-(1 - p(z))) whatever t and h: docs/method-notes.md)
                         * @default cumulative_scalar
                         * @enum {string}
                         */
                        solver?: "cumulative_scalar" | "dfm_euler" | "mixture_euler";
                        /**
                         * @description Sampling temperature: logits are divided by it (0.01 to 10)
                         * @default 1
                         */
                        temperature?: number;
                        /**
                         * @description Generated samples per budget and model
                         * @default 8
                         */
                        samples?: number;
                        /** @default 8 */
                        batchSize?: number;
                        /** @description Generation length (default: the model’s training length) */
                        seqLen?: number;
                        /**
                         * @description Report the ELBO perplexity bound on validation data
                         * @default true
                         */
                        elbo?: boolean;
                        /** @default 16 */
                        elboTimePoints?: number;
                        /**
                         * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                         * @default auto
                         */
                        compile?: "auto" | boolean;
                        /**
                         * @description Report infilling accuracy on validation data
                         * @default true
                         */
                        infill?: boolean;
                        /**
                         * @description Share of tokens kept fixed in the infilling test
                         * @default 0.5
                         */
                        infillFraction?: number;
                        /** @description Sampling steps of the infilling test (default: the largest step budget up to 64) */
                        infillSteps?: number;
                        /** @default 0 */
                        seed?: number;
                        /** @description Paired comparisons besides the default ones (each model vs the first at every budget, each budget vs the largest, the entropy-matched control vs its target): difference and ratio of the mean perplexities with 95% paired intervals */
                        comparisons?: {
                            /** @description model@steps, e.g. student@8 (the entropy-matched control is <model>~matched@steps) */
                            a: string;
                            /** @description model@steps, e.g. teacher@256 */
                            b: string;
                        }[];
                        /** @description Entropy-matched control: the model at the temperature whose samples have the target’s mean entropy, reported as <model>~matched, so that a quality gain is not just sharper sampling */
                        matchEntropy?: {
                            /** @description Evaluated model to re-sample at a lower or higher temperature (e.g. the teacher) */
                            model: string;
                            /** @description Evaluated model whose sample entropy it matches (e.g. the student) */
                            target: string;
                            /**
                             * @description The target’s step budget (one of stepBudgets)
                             * @default 8
                             */
                            targetSteps?: number;
                            /**
                             * @description Budgets at which the control is sampled
                             * @default [
                             *       8
                             *     ]
                             */
                            budgets?: number[];
                            /**
                             * @description Relative entropy mismatch accepted
                             * @default 0.005
                             */
                            tolerance?: number;
                            /**
                             * @description Sample sets per budget the temperature search may spend
                             * @default 4
                             */
                            maxEvaluations?: number;
                        };
                        /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                        slurm?: {
                            /**
                             * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                             * @default 1
                             */
                            nodes?: number;
                            /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                            ranksPerNode?: number;
                            /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                            partition?: string;
                            /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                            timeLimitMinutes?: number;
                        };
                    };
                    /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                    project?: string;
                    /**
                     * @description Lower runs first: 1 is the most urgent
                     * @default 50
                     */
                    priority?: number;
                    /**
                     * @description GPUs the job needs; 0 runs on a CPU worker
                     * @default 0
                     */
                    gpus?: number;
                    /** @default [] */
                    tags?: string[];
                    name?: string;
                };
            };
        };
        responses: {
            /** @description A retry with the same Idempotency-Key and body: the jobs the first request created */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        jobs: components["schemas"]["Job"][];
                    };
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description pretrain, distill and (when asked) evaluate, in order */
                        jobs: components["schemas"]["Job"][];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description checksum_mismatch or idempotency_mismatch: the Idempotency-Key was used with another body, or the bytes of an artifact transfer do not match its sha256 */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    streamJobEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description The id of the last event received (at most 15 digits) */
                "last-event-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream: per event an `id` (send it back as Last-Event-ID to resume), an `event` (state | progress | metric | log | trace) and JSON `data` carrying `jobId`, the event’s fields and `at`. `trace` (sample jobs with `trace: true`): `{step, steps, t, firstSample, tokens}` after the start (step 0) and after each solver step, `tokens[i][position]` the text piece of sample firstSample + i, null while masked; samples run batchSize at a time, each batch from step 0 to `steps` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The job has ended and the client already has all its events */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description The id of the last event received (at most 15 digits) */
                "last-event-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream: per event an `id` (send it back as Last-Event-ID to resume), an `event` (state | progress | metric | log | trace) and JSON `data` carrying `jobId`, the event’s fields and `at`. `trace` (sample jobs with `trace: true`): `{step, steps, t, firstSample, tokens}` after the start (step 0) and after each solver step, `tokens[i][position]` the text piece of sample firstSample + i, null while masked; samples run batchSize at a time, each batch from step 0 to `steps` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listSolvers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            name: string;
                            description: string;
                            parameters: {
                                [key: string]: unknown;
                            };
                        }[];
                    };
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listSweeps: {
        parameters: {
            query?: {
                state?: "running" | "succeeded" | "failed" | "cancelled";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: uuid */
                            id: string;
                            /** @description The project of the sweep and its trials */
                            project: string;
                            createdBy: string | null;
                            name: string | null;
                            /** @enum {string} */
                            state: "running" | "succeeded" | "failed" | "cancelled";
                            /** @description Kind of the trial jobs */
                            kind: string;
                            /** @enum {string} */
                            method: "grid" | "random";
                            /** @description A sampler sweep: sampling parameters only, on one checkpoint */
                            sampler: boolean;
                            objective: {
                                /**
                                 * @description A metric series of the trial jobs (train/loss, train/lr, train/grad_norm, train/tokens_per_s; eval/<model>/genPpl), `result.<path>` for a number in the job result (e.g. result.wallSeconds), a sample statistic computed from the samples of sample jobs: sample/entropy (mean per-sample token entropy, nats), sample/distinct (distinct-1), or the judged quality of evaluate jobs at the step budget `at`: genPpl (generative perplexity of the first model under the first judge), genPpl/<judge> (e.g. genPpl/ngram3, genPpl/arm), entropy (nats). Anything else is refused, listing the valid ones
                                 * @example train/loss
                                 * @example genPpl
                                 * @example genPpl/ngram3
                                 * @example entropy
                                 * @example sample/entropy
                                 * @example sample/distinct
                                 * @example result.wallSeconds
                                 */
                                metric: string;
                                /** @default min */
                                mode: "min" | "max";
                                /** @description Series objectives: read the value last logged at or before this step (budget); default: the last value. Judged objectives (genPpl, entropy): the step budget, one of every trial’s stepBudgets (may be left out when each trial evaluates one budget) */
                                at?: number;
                            };
                            /** @description Trials planned */
                            total: number;
                            counts: {
                                pending: number;
                                queued: number;
                                running: number;
                                succeeded: number;
                                failed: number;
                                pruned: number;
                                cancelled: number;
                            };
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createSweep: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A hyper-parameter sweep over one base job */
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    /** @description The project of the sweep and its trials. Default: the token’s only project, else `default` */
                    project?: string;
                    /** @description A job to run: `kind` selects the spec schema */
                    base: {
                        /** @enum {string} */
                        kind: "dataset";
                        spec: {
                            /**
                             * @description brown: the bundled Brown corpus; upload: an upload (`uploadId`, from POST /v1/uploads) or inline `text`; path: a file or folder under FSDFM_INPUT_ROOT
                             * @default brown
                             */
                            source?: "brown" | "upload" | "path";
                            /** @description Inline text (source=upload), for small texts; stored as an upload, so the job shows `uploadId` instead. Larger texts: POST /v1/uploads */
                            text?: string;
                            /**
                             * Format: uuid
                             * @description An upload from POST /v1/uploads (source=upload)
                             */
                            uploadId?: string;
                            /**
                             * @description text: documents separated by blank lines; jsonl: one {"text": ...} object per line
                             * @default text
                             */
                            format?: "text" | "jsonl";
                            /** @description Server-side path relative to FSDFM_INPUT_ROOT (source=path) */
                            path?: string;
                            /** @description Use at most this many documents */
                            maxDocuments?: number;
                            /** @description Keep the K most frequent GPT-2 tokens plus one unknown token (for CPU-sized models); omit for the full vocabulary */
                            compactVocab?: number;
                            /**
                             * @description Share of documents held out for validation
                             * @default 0.05
                             */
                            validationFraction?: number;
                            /**
                             * @description Seed of the train/validation split
                             * @default 0
                             */
                            seed?: number;
                        };
                        /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                        project?: string;
                        /**
                         * @description Lower runs first: 1 is the most urgent
                         * @default 50
                         */
                        priority?: number;
                        /**
                         * @description GPUs the job needs; 0 runs on a CPU worker
                         * @default 0
                         */
                        gpus?: number;
                        /** @default [] */
                        tags?: string[];
                        name?: string;
                    } | {
                        /** @enum {string} */
                        kind: "pretrain";
                        spec: {
                            /**
                             * Format: uuid
                             * @description Id of a finished job whose output this job uses
                             */
                            datasetJobId: string;
                            /**
                             * @description teacher: the DFM model conditioned on t; arm: the autoregressive baseline (also a judge)
                             * @default teacher
                             */
                            modelType?: "teacher" | "arm";
                            /** @description Model architecture */
                            model?: {
                                /**
                                 * @description Size preset. tiny: hidden 64, 2 blocks (CPU tests); small: hidden 256, 4 blocks; base/0.17B: hidden 768, 12 blocks, 12 heads (paper); 1.3B: hidden 2048, 21 blocks; 1.7B: hidden 2048, 28 blocks
                                 * @default tiny
                                 * @enum {string}
                                 */
                                preset?: "tiny" | "small" | "base" | "0.17B" | "1.3B" | "1.7B";
                                /** @description Overrides the preset hidden size */
                                hidden?: number;
                                /** @description Overrides the preset block count */
                                blocks?: number;
                                /** @description Overrides the preset head count */
                                heads?: number;
                                /** @description Conditioning vector size (paper: 128) */
                                condDim?: number;
                                /** @description Dropout (paper: 0.1) */
                                dropout?: number;
                                /**
                                 * @description DiT attention bias. none (default): the paper’s architecture; local: a per-head penalty proportional to token distance (slopes 1 down to 2^-8(H-1)/H), which shortens the unigram plateau of small bidirectional models on long sequences (docs/method-notes.md). Ignored by an ARM
                                 * @enum {string}
                                 */
                                attentionBias?: "none" | "local";
                            };
                            /**
                             * @description Source distribution x_0
                             * @default mask
                             */
                            source?: "mask" | "uniform";
                            /**
                             * @description kappa(t) = t^n
                             * @default 1
                             */
                            schedulerExponent?: number;
                            /** @default cross_entropy */
                            loss?: "cross_entropy" | "generalized_kl";
                            /**
                             * @description EMA decay of the weights
                             * @default 0.999
                             */
                            emaDecay?: number;
                            /**
                             * @description Training times t are drawn from [0, 1 - timeEps): keeps the loss weight at t near 1 finite
                             * @default 0.001
                             */
                            timeEps?: number;
                            /**
                             * @description Peak learning rate (AdamW)
                             * @default 0.0003
                             */
                            lr?: number;
                            /**
                             * @description Linear warm-up steps (paper: 2,500 pre-training, 10k distillation)
                             * @default 50
                             */
                            warmupSteps?: number;
                            /**
                             * @description Cosine decay ends at minLrRatio * lr (paper: 0.1)
                             * @default 0.1
                             */
                            minLrRatio?: number;
                            /**
                             * @description AdamW weight decay (paper: 0.03)
                             * @default 0.03
                             */
                            weightDecay?: number;
                            /**
                             * @description Gradient norm clip, 0 = off (paper: 1.0)
                             * @default 1
                             */
                            gradClip?: number;
                            /**
                             * @description Gradient accumulation micro-steps per optimiser step
                             * @default 1
                             */
                            gradAccum?: number;
                            /**
                             * @description Sequences per optimiser step and GPU
                             * @default 16
                             */
                            batchSize?: number;
                            /**
                             * @description Tokens per sequence (paper: 1,024)
                             * @default 128
                             */
                            seqLen?: number;
                            /**
                             * @description Optimiser steps (at most FSDFM_MAX_TRAIN_STEPS)
                             * @default 500
                             */
                            steps?: number;
                            /**
                             * @description Write a checkpoint every this many steps (and at the end)
                             * @default 100
                             */
                            checkpointEvery?: number;
                            /**
                             * @description Record metrics every this many steps
                             * @default 10
                             */
                            logEvery?: number;
                            /**
                             * @description Seed of initialisation, data order and noise
                             * @default 0
                             */
                            seed?: number;
                            /**
                             * @description AdamW beta1
                             * @default 0.9
                             */
                            beta1?: number;
                            /**
                             * @description AdamW beta2
                             * @default 0.95
                             */
                            beta2?: number;
                            /**
                             * @description AdamW epsilon
                             * @default 1e-8
                             */
                            adamEps?: number;
                            /**
                             * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                             * @default auto
                             */
                            compile?: "auto" | boolean;
                            /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                            slurm?: {
                                /**
                                 * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                                 * @default 1
                                 */
                                nodes?: number;
                                /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                                ranksPerNode?: number;
                                /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                                partition?: string;
                                /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                                timeLimitMinutes?: number;
                            };
                        };
                        /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                        project?: string;
                        /**
                         * @description Lower runs first: 1 is the most urgent
                         * @default 50
                         */
                        priority?: number;
                        /**
                         * @description GPUs the job needs; 0 runs on a CPU worker
                         * @default 0
                         */
                        gpus?: number;
                        /** @default [] */
                        tags?: string[];
                        name?: string;
                    } | {
                        /** @enum {string} */
                        kind: "distill";
                        spec: {
                            /**
                             * Format: uuid
                             * @description Id of a finished job whose output this job uses
                             */
                            datasetJobId: string;
                            /**
                             * Format: uuid
                             * @description A finished pretrain job of modelType teacher
                             */
                            teacherJobId: string;
                            /**
                             * @description Shortcut teacher integrator. rk4: every stage on the path at the time it is labelled with; heun: two evaluations; rk4_reference: the public reference code’s stage placement (k3 and k4 see states off the path), for ablations (docs/method-notes.md)
                             * @default rk4
                             */
                            shortcut?: "rk4" | "heun" | "rk4_reference";
                            /** @description Step sizes at or below this learn the path loss against the data instead of the shortcut teacher. Default: the smallest grid step 2^-gridPowers alone, about half of the examples (the paper: h < 2^-9 on the 2^-10 grid) */
                            threshold?: number;
                            /**
                             * @description Step-size grid {2^0 .. 2^-gridPowers} (paper: 10)
                             * @default 10
                             */
                            gridPowers?: number;
                            /**
                             * @description EMA of the student that serves as shortcut teacher (paper: 0.9995)
                             * @default 0.9995
                             */
                            emaDecay?: number;
                            /**
                             * @description Trained pairs keep t + h <= 1 - timeEps; 0 is the method’s grid, which includes every sampler’s final step (t = 1 - h, h)
                             * @default 0
                             */
                            timeEps?: number;
                            /**
                             * @description Peak learning rate (paper: 1e-5 at 0.17B)
                             * @default 0.0001
                             */
                            lr?: number;
                            /**
                             * @description Linear warm-up steps (paper: 2,500 pre-training, 10k distillation)
                             * @default 50
                             */
                            warmupSteps?: number;
                            /**
                             * @description Cosine decay ends at minLrRatio * lr (paper: 0.1)
                             * @default 0.1
                             */
                            minLrRatio?: number;
                            /**
                             * @description AdamW weight decay (paper: 0.03)
                             * @default 0.03
                             */
                            weightDecay?: number;
                            /**
                             * @description Gradient norm clip, 0 = off (paper: 1.0)
                             * @default 1
                             */
                            gradClip?: number;
                            /**
                             * @description Gradient accumulation micro-steps per optimiser step
                             * @default 1
                             */
                            gradAccum?: number;
                            /**
                             * @description Sequences per optimiser step and GPU
                             * @default 16
                             */
                            batchSize?: number;
                            /**
                             * @description Tokens per sequence (paper: 1,024)
                             * @default 128
                             */
                            seqLen?: number;
                            /**
                             * @description Optimiser steps (at most FSDFM_MAX_TRAIN_STEPS)
                             * @default 500
                             */
                            steps?: number;
                            /**
                             * @description Write a checkpoint every this many steps (and at the end)
                             * @default 100
                             */
                            checkpointEvery?: number;
                            /**
                             * @description Record metrics every this many steps
                             * @default 10
                             */
                            logEvery?: number;
                            /**
                             * @description Seed of initialisation, data order and noise
                             * @default 0
                             */
                            seed?: number;
                            /**
                             * @description AdamW beta1
                             * @default 0.9
                             */
                            beta1?: number;
                            /**
                             * @description AdamW beta2
                             * @default 0.95
                             */
                            beta2?: number;
                            /**
                             * @description AdamW epsilon
                             * @default 1e-8
                             */
                            adamEps?: number;
                            /**
                             * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                             * @default auto
                             */
                            compile?: "auto" | boolean;
                            /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                            slurm?: {
                                /**
                                 * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                                 * @default 1
                                 */
                                nodes?: number;
                                /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                                ranksPerNode?: number;
                                /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                                partition?: string;
                                /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                                timeLimitMinutes?: number;
                            };
                        };
                        /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                        project?: string;
                        /**
                         * @description Lower runs first: 1 is the most urgent
                         * @default 50
                         */
                        priority?: number;
                        /**
                         * @description GPUs the job needs; 0 runs on a CPU worker
                         * @default 0
                         */
                        gpus?: number;
                        /** @default [] */
                        tags?: string[];
                        name?: string;
                    } | {
                        /** @enum {string} */
                        kind: "evaluate";
                        spec: {
                            /**
                             * Format: uuid
                             * @description Id of a finished job whose output this job uses
                             */
                            datasetJobId: string;
                            /** @description Finished pretrain/distill jobs to evaluate */
                            models: {
                                name?: string;
                                /** Format: uuid */
                                jobId: string;
                            }[];
                            /**
                             * @default [
                             *       {
                             *         "kind": "ngram",
                             *         "order": 3
                             *       }
                             *     ]
                             */
                            judges?: ({
                                /** @enum {string} */
                                kind: "ngram";
                                /** @default 3 */
                                order?: number;
                                /**
                                 * @description kn: interpolated Kneser-Ney; addk: add-k
                                 * @default kn
                                 */
                                smoothing?: "kn" | "addk";
                            } | {
                                /** @enum {string} */
                                kind: "arm";
                                /**
                                 * Format: uuid
                                 * @description A finished pretrain job of modelType arm
                                 */
                                jobId: string;
                            } | {
                                /** @enum {string} */
                                kind: "hf";
                                /** @description Local Hugging Face causal-LM directory under FSDFM_INPUT_ROOT */
                                path: string;
                            })[];
                            /**
                             * @default [
                             *       1,
                             *       2,
                             *       4,
                             *       8,
                             *       16,
                             *       32,
                             *       64
                             *     ]
                             */
                            stepBudgets?: number[];
                            /**
                             * @description cumulative_scalar: FS-DFM; dfm_euler: the DFM Euler baseline; mixture_euler: Poisson jump counts of the frozen rate g(t) p, a consistent first-order solver (not the reference code’s solver of that name, which jumps with probability 1 - exp(-(1 - p(z))) whatever t and h: docs/method-notes.md)
                             * @default cumulative_scalar
                             * @enum {string}
                             */
                            solver?: "cumulative_scalar" | "dfm_euler" | "mixture_euler";
                            /**
                             * @description Sampling temperature: logits are divided by it (0.01 to 10)
                             * @default 1
                             */
                            temperature?: number;
                            /**
                             * @description Generated samples per budget and model
                             * @default 8
                             */
                            samples?: number;
                            /** @default 8 */
                            batchSize?: number;
                            /** @description Generation length (default: the model’s training length) */
                            seqLen?: number;
                            /**
                             * @description Report the ELBO perplexity bound on validation data
                             * @default true
                             */
                            elbo?: boolean;
                            /** @default 16 */
                            elboTimePoints?: number;
                            /**
                             * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                             * @default auto
                             */
                            compile?: "auto" | boolean;
                            /**
                             * @description Report infilling accuracy on validation data
                             * @default true
                             */
                            infill?: boolean;
                            /**
                             * @description Share of tokens kept fixed in the infilling test
                             * @default 0.5
                             */
                            infillFraction?: number;
                            /** @description Sampling steps of the infilling test (default: the largest step budget up to 64) */
                            infillSteps?: number;
                            /** @default 0 */
                            seed?: number;
                            /** @description Paired comparisons besides the default ones (each model vs the first at every budget, each budget vs the largest, the entropy-matched control vs its target): difference and ratio of the mean perplexities with 95% paired intervals */
                            comparisons?: {
                                /** @description model@steps, e.g. student@8 (the entropy-matched control is <model>~matched@steps) */
                                a: string;
                                /** @description model@steps, e.g. teacher@256 */
                                b: string;
                            }[];
                            /** @description Entropy-matched control: the model at the temperature whose samples have the target’s mean entropy, reported as <model>~matched, so that a quality gain is not just sharper sampling */
                            matchEntropy?: {
                                /** @description Evaluated model to re-sample at a lower or higher temperature (e.g. the teacher) */
                                model: string;
                                /** @description Evaluated model whose sample entropy it matches (e.g. the student) */
                                target: string;
                                /**
                                 * @description The target’s step budget (one of stepBudgets)
                                 * @default 8
                                 */
                                targetSteps?: number;
                                /**
                                 * @description Budgets at which the control is sampled
                                 * @default [
                                 *       8
                                 *     ]
                                 */
                                budgets?: number[];
                                /**
                                 * @description Relative entropy mismatch accepted
                                 * @default 0.005
                                 */
                                tolerance?: number;
                                /**
                                 * @description Sample sets per budget the temperature search may spend
                                 * @default 4
                                 */
                                maxEvaluations?: number;
                            };
                            /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                            slurm?: {
                                /**
                                 * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                                 * @default 1
                                 */
                                nodes?: number;
                                /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                                ranksPerNode?: number;
                                /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                                partition?: string;
                                /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                                timeLimitMinutes?: number;
                            };
                        };
                        /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                        project?: string;
                        /**
                         * @description Lower runs first: 1 is the most urgent
                         * @default 50
                         */
                        priority?: number;
                        /**
                         * @description GPUs the job needs; 0 runs on a CPU worker
                         * @default 0
                         */
                        gpus?: number;
                        /** @default [] */
                        tags?: string[];
                        name?: string;
                    } | {
                        /** @enum {string} */
                        kind: "sample";
                        spec: {
                            /**
                             * Format: uuid
                             * @description A finished pretrain or distill job; omit to sample from a randomly initialised model
                             */
                            checkpointJobId?: string;
                            /** @description Model architecture */
                            model?: {
                                /**
                                 * @description Size preset. tiny: hidden 64, 2 blocks (CPU tests); small: hidden 256, 4 blocks; base/0.17B: hidden 768, 12 blocks, 12 heads (paper); 1.3B: hidden 2048, 21 blocks; 1.7B: hidden 2048, 28 blocks
                                 * @default tiny
                                 * @enum {string}
                                 */
                                preset?: "tiny" | "small" | "base" | "0.17B" | "1.3B" | "1.7B";
                                /** @description Overrides the preset hidden size */
                                hidden?: number;
                                /** @description Overrides the preset block count */
                                blocks?: number;
                                /** @description Overrides the preset head count */
                                heads?: number;
                                /** @description Conditioning vector size (paper: 128) */
                                condDim?: number;
                                /** @description Dropout (paper: 0.1) */
                                dropout?: number;
                                /**
                                 * @description DiT attention bias. none (default): the paper’s architecture; local: a per-head penalty proportional to token distance (slopes 1 down to 2^-8(H-1)/H), which shortens the unigram plateau of small bidirectional models on long sequences (docs/method-notes.md). Ignored by an ARM
                                 * @enum {string}
                                 */
                                attentionBias?: "none" | "local";
                            };
                            /**
                             * @description cumulative_scalar: FS-DFM; dfm_euler: the DFM Euler baseline; mixture_euler: Poisson jump counts of the frozen rate g(t) p, a consistent first-order solver (not the reference code’s solver of that name, which jumps with probability 1 - exp(-(1 - p(z))) whatever t and h: docs/method-notes.md)
                             * @default cumulative_scalar
                             * @enum {string}
                             */
                            solver?: "cumulative_scalar" | "dfm_euler" | "mixture_euler";
                            /**
                             * @description Uniform steps h = 1/steps
                             * @default 8
                             */
                            steps?: number;
                            /** @description Explicit step sizes, each positive, summing to 1 (instead of uniform `steps`) */
                            stepSizes?: number[];
                            /**
                             * @description Sampling temperature: logits are divided by it (0.01 to 10)
                             * @default 1
                             */
                            temperature?: number;
                            /** @default 0 */
                            seed?: number;
                            /**
                             * @description Samples to draw
                             * @default 4
                             */
                            count?: number;
                            /**
                             * @description torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it
                             * @default auto
                             */
                            compile?: "auto" | boolean;
                            /** @default 4 */
                            batchSize?: number;
                            /**
                             * @description Tokens per sample (default: 64, or the checkpoint’s training length when smaller)
                             * @default 64
                             */
                            seqLen?: number;
                            /** @description Text prefix kept fixed; the rest is generated */
                            prompt?: string;
                            /** @description Template with holes written [[N]] (N tokens to fill); the text around the holes stays fixed */
                            infill?: string;
                            /**
                             * @description Record every sample’s tokens after each solver step (masked positions as null): `trace` events on the job’s event stream while it runs, and GET /v1/jobs/{id}/trace afterwards. count × seqLen × (steps + 1) must stay within 2,000,000 token cells
                             * @default false
                             */
                            trace?: boolean;
                            /** @description Slurm placement: nodes, ranks per node, partition, time limit */
                            slurm?: {
                                /**
                                 * @description Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only
                                 * @default 1
                                 */
                                nodes?: number;
                                /** @description Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only */
                                ranksPerNode?: number;
                                /** @description Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default) */
                                partition?: string;
                                /** @description Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission */
                                timeLimitMinutes?: number;
                            };
                        };
                        /** @description The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there */
                        project?: string;
                        /**
                         * @description Lower runs first: 1 is the most urgent
                         * @default 50
                         */
                        priority?: number;
                        /**
                         * @description GPUs the job needs; 0 runs on a CPU worker
                         * @default 0
                         */
                        gpus?: number;
                        /** @default [] */
                        tags?: string[];
                        name?: string;
                    };
                    /** @description Dotted paths into base.spec (e.g. lr, model.hidden) and their domains */
                    space: {
                        [key: string]: {
                            /** @description Values to enumerate (method grid) */
                            grid?: unknown[];
                            /** @description [lo, hi]: uniform on the interval */
                            uniform?: number[];
                            /** @description [lo, hi], both > 0: uniform in log space */
                            logUniform?: number[];
                            /** @description [lo, hi]: an integer, both ends included */
                            int?: number[];
                            /** @description One of these values, equally likely */
                            choice?: unknown[];
                        };
                    };
                    /**
                     * @description grid: the cartesian product of the grid values in order; random: seeded draws
                     * @default random
                     * @enum {string}
                     */
                    method?: "grid" | "random";
                    /**
                     * @description Seed of the random draws; trial k is the same for the same seed
                     * @default 0
                     */
                    seed?: number;
                    /** @description Default: the grid size (grid) or 10 (random) */
                    maxTrials?: number;
                    /**
                     * @description Trials queued or running at once
                     * @default 2
                     */
                    maxConcurrent?: number;
                    objective: {
                        /**
                         * @description A metric series of the trial jobs (train/loss, train/lr, train/grad_norm, train/tokens_per_s; eval/<model>/genPpl), `result.<path>` for a number in the job result (e.g. result.wallSeconds), a sample statistic computed from the samples of sample jobs: sample/entropy (mean per-sample token entropy, nats), sample/distinct (distinct-1), or the judged quality of evaluate jobs at the step budget `at`: genPpl (generative perplexity of the first model under the first judge), genPpl/<judge> (e.g. genPpl/ngram3, genPpl/arm), entropy (nats). Anything else is refused, listing the valid ones
                         * @example train/loss
                         * @example genPpl
                         * @example genPpl/ngram3
                         * @example entropy
                         * @example sample/entropy
                         * @example sample/distinct
                         * @example result.wallSeconds
                         */
                        metric: string;
                        /** @default min */
                        mode?: "min" | "max";
                        /** @description Series objectives: read the value last logged at or before this step (budget); default: the last value. Judged objectives (genPpl, entropy): the step budget, one of every trial’s stepBudgets (may be left out when each trial evaluates one budget) */
                        at?: number;
                    };
                    /** @description Early stopping on the objective series; stopped trials end pruned, their last metrics kept */
                    earlyStopping?: {
                        /** @enum {string} */
                        kind: "median";
                        /**
                         * @description No decision before this step
                         * @default 0
                         */
                        minSteps?: number;
                        /**
                         * @description Other trials that must have reached a step before it is judged
                         * @default 1
                         */
                        minTrials?: number;
                    } | {
                        /** @enum {string} */
                        kind: "asha";
                        /**
                         * @description eta: the best 1/eta of each rung continue
                         * @default 3
                         */
                        reductionFactor?: number;
                        /** @description First rung (steps); rungs at minResource * eta^k */
                        minResource: number;
                        /** @description No rung at or beyond this step */
                        maxResource?: number;
                    };
                };
            };
        };
        responses: {
            /** @description A retry with the same Idempotency-Key and body: the sweep the first request created */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @description The project of the sweep and its trials */
                        project: string;
                        createdBy: string | null;
                        name: string | null;
                        /** @enum {string} */
                        state: "running" | "succeeded" | "failed" | "cancelled";
                        /** @description Kind of the trial jobs */
                        kind: string;
                        /** @enum {string} */
                        method: "grid" | "random";
                        /** @description A sampler sweep: sampling parameters only, on one checkpoint */
                        sampler: boolean;
                        objective: {
                            /**
                             * @description A metric series of the trial jobs (train/loss, train/lr, train/grad_norm, train/tokens_per_s; eval/<model>/genPpl), `result.<path>` for a number in the job result (e.g. result.wallSeconds), a sample statistic computed from the samples of sample jobs: sample/entropy (mean per-sample token entropy, nats), sample/distinct (distinct-1), or the judged quality of evaluate jobs at the step budget `at`: genPpl (generative perplexity of the first model under the first judge), genPpl/<judge> (e.g. genPpl/ngram3, genPpl/arm), entropy (nats). Anything else is refused, listing the valid ones
                             * @example train/loss
                             * @example genPpl
                             * @example genPpl/ngram3
                             * @example entropy
                             * @example sample/entropy
                             * @example sample/distinct
                             * @example result.wallSeconds
                             */
                            metric: string;
                            /** @default min */
                            mode: "min" | "max";
                            /** @description Series objectives: read the value last logged at or before this step (budget); default: the last value. Judged objectives (genPpl, entropy): the step budget, one of every trial’s stepBudgets (may be left out when each trial evaluates one budget) */
                            at?: number;
                        };
                        /** @description Trials planned */
                        total: number;
                        counts: {
                            pending: number;
                            queued: number;
                            running: number;
                            succeeded: number;
                            failed: number;
                            pruned: number;
                            cancelled: number;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        best: {
                            index: number;
                            /** @enum {string} */
                            state: "pending" | "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
                            jobId: string | null;
                            /** @description Dotted path -> value */
                            params: {
                                [key: string]: unknown;
                            };
                            objective: number | null;
                            /** @description Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics */
                            metrics: {
                                [key: string]: number | boolean;
                            };
                            step: number | null;
                            note: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        } | null;
                        /** @description Sorted by objective (best first, by mode); trials without one last */
                        trials: {
                            index: number;
                            /** @enum {string} */
                            state: "pending" | "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
                            jobId: string | null;
                            /** @description Dotted path -> value */
                            params: {
                                [key: string]: unknown;
                            };
                            objective: number | null;
                            /** @description Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics */
                            metrics: {
                                [key: string]: number | boolean;
                            };
                            step: number | null;
                            note: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        /** @description The request, defaults filled in */
                        spec: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @description The project of the sweep and its trials */
                        project: string;
                        createdBy: string | null;
                        name: string | null;
                        /** @enum {string} */
                        state: "running" | "succeeded" | "failed" | "cancelled";
                        /** @description Kind of the trial jobs */
                        kind: string;
                        /** @enum {string} */
                        method: "grid" | "random";
                        /** @description A sampler sweep: sampling parameters only, on one checkpoint */
                        sampler: boolean;
                        objective: {
                            /**
                             * @description A metric series of the trial jobs (train/loss, train/lr, train/grad_norm, train/tokens_per_s; eval/<model>/genPpl), `result.<path>` for a number in the job result (e.g. result.wallSeconds), a sample statistic computed from the samples of sample jobs: sample/entropy (mean per-sample token entropy, nats), sample/distinct (distinct-1), or the judged quality of evaluate jobs at the step budget `at`: genPpl (generative perplexity of the first model under the first judge), genPpl/<judge> (e.g. genPpl/ngram3, genPpl/arm), entropy (nats). Anything else is refused, listing the valid ones
                             * @example train/loss
                             * @example genPpl
                             * @example genPpl/ngram3
                             * @example entropy
                             * @example sample/entropy
                             * @example sample/distinct
                             * @example result.wallSeconds
                             */
                            metric: string;
                            /** @default min */
                            mode: "min" | "max";
                            /** @description Series objectives: read the value last logged at or before this step (budget); default: the last value. Judged objectives (genPpl, entropy): the step budget, one of every trial’s stepBudgets (may be left out when each trial evaluates one budget) */
                            at?: number;
                        };
                        /** @description Trials planned */
                        total: number;
                        counts: {
                            pending: number;
                            queued: number;
                            running: number;
                            succeeded: number;
                            failed: number;
                            pruned: number;
                            cancelled: number;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        best: {
                            index: number;
                            /** @enum {string} */
                            state: "pending" | "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
                            jobId: string | null;
                            /** @description Dotted path -> value */
                            params: {
                                [key: string]: unknown;
                            };
                            objective: number | null;
                            /** @description Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics */
                            metrics: {
                                [key: string]: number | boolean;
                            };
                            step: number | null;
                            note: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        } | null;
                        /** @description Sorted by objective (best first, by mode); trials without one last */
                        trials: {
                            index: number;
                            /** @enum {string} */
                            state: "pending" | "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
                            jobId: string | null;
                            /** @description Dotted path -> value */
                            params: {
                                [key: string]: unknown;
                            };
                            objective: number | null;
                            /** @description Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics */
                            metrics: {
                                [key: string]: number | boolean;
                            };
                            step: number | null;
                            note: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        /** @description The request, defaults filled in */
                        spec: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description checksum_mismatch or idempotency_mismatch: the Idempotency-Key was used with another body, or the bytes of an artifact transfer do not match its sha256 */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getSweep: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @description The project of the sweep and its trials */
                        project: string;
                        createdBy: string | null;
                        name: string | null;
                        /** @enum {string} */
                        state: "running" | "succeeded" | "failed" | "cancelled";
                        /** @description Kind of the trial jobs */
                        kind: string;
                        /** @enum {string} */
                        method: "grid" | "random";
                        /** @description A sampler sweep: sampling parameters only, on one checkpoint */
                        sampler: boolean;
                        objective: {
                            /**
                             * @description A metric series of the trial jobs (train/loss, train/lr, train/grad_norm, train/tokens_per_s; eval/<model>/genPpl), `result.<path>` for a number in the job result (e.g. result.wallSeconds), a sample statistic computed from the samples of sample jobs: sample/entropy (mean per-sample token entropy, nats), sample/distinct (distinct-1), or the judged quality of evaluate jobs at the step budget `at`: genPpl (generative perplexity of the first model under the first judge), genPpl/<judge> (e.g. genPpl/ngram3, genPpl/arm), entropy (nats). Anything else is refused, listing the valid ones
                             * @example train/loss
                             * @example genPpl
                             * @example genPpl/ngram3
                             * @example entropy
                             * @example sample/entropy
                             * @example sample/distinct
                             * @example result.wallSeconds
                             */
                            metric: string;
                            /** @default min */
                            mode: "min" | "max";
                            /** @description Series objectives: read the value last logged at or before this step (budget); default: the last value. Judged objectives (genPpl, entropy): the step budget, one of every trial’s stepBudgets (may be left out when each trial evaluates one budget) */
                            at?: number;
                        };
                        /** @description Trials planned */
                        total: number;
                        counts: {
                            pending: number;
                            queued: number;
                            running: number;
                            succeeded: number;
                            failed: number;
                            pruned: number;
                            cancelled: number;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        best: {
                            index: number;
                            /** @enum {string} */
                            state: "pending" | "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
                            jobId: string | null;
                            /** @description Dotted path -> value */
                            params: {
                                [key: string]: unknown;
                            };
                            objective: number | null;
                            /** @description Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics */
                            metrics: {
                                [key: string]: number | boolean;
                            };
                            step: number | null;
                            note: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        } | null;
                        /** @description Sorted by objective (best first, by mode); trials without one last */
                        trials: {
                            index: number;
                            /** @enum {string} */
                            state: "pending" | "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
                            jobId: string | null;
                            /** @description Dotted path -> value */
                            params: {
                                [key: string]: unknown;
                            };
                            objective: number | null;
                            /** @description Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics */
                            metrics: {
                                [key: string]: number | boolean;
                            };
                            step: number | null;
                            note: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        /** @description The request, defaults filled in */
                        spec: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getSweepTrialsCsv: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The trials table, a header row first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    cancelSweep: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @description The project of the sweep and its trials */
                        project: string;
                        createdBy: string | null;
                        name: string | null;
                        /** @enum {string} */
                        state: "running" | "succeeded" | "failed" | "cancelled";
                        /** @description Kind of the trial jobs */
                        kind: string;
                        /** @enum {string} */
                        method: "grid" | "random";
                        /** @description A sampler sweep: sampling parameters only, on one checkpoint */
                        sampler: boolean;
                        objective: {
                            /**
                             * @description A metric series of the trial jobs (train/loss, train/lr, train/grad_norm, train/tokens_per_s; eval/<model>/genPpl), `result.<path>` for a number in the job result (e.g. result.wallSeconds), a sample statistic computed from the samples of sample jobs: sample/entropy (mean per-sample token entropy, nats), sample/distinct (distinct-1), or the judged quality of evaluate jobs at the step budget `at`: genPpl (generative perplexity of the first model under the first judge), genPpl/<judge> (e.g. genPpl/ngram3, genPpl/arm), entropy (nats). Anything else is refused, listing the valid ones
                             * @example train/loss
                             * @example genPpl
                             * @example genPpl/ngram3
                             * @example entropy
                             * @example sample/entropy
                             * @example sample/distinct
                             * @example result.wallSeconds
                             */
                            metric: string;
                            /** @default min */
                            mode: "min" | "max";
                            /** @description Series objectives: read the value last logged at or before this step (budget); default: the last value. Judged objectives (genPpl, entropy): the step budget, one of every trial’s stepBudgets (may be left out when each trial evaluates one budget) */
                            at?: number;
                        };
                        /** @description Trials planned */
                        total: number;
                        counts: {
                            pending: number;
                            queued: number;
                            running: number;
                            succeeded: number;
                            failed: number;
                            pruned: number;
                            cancelled: number;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                        best: {
                            index: number;
                            /** @enum {string} */
                            state: "pending" | "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
                            jobId: string | null;
                            /** @description Dotted path -> value */
                            params: {
                                [key: string]: unknown;
                            };
                            objective: number | null;
                            /** @description Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics */
                            metrics: {
                                [key: string]: number | boolean;
                            };
                            step: number | null;
                            note: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        } | null;
                        /** @description Sorted by objective (best first, by mode); trials without one last */
                        trials: {
                            index: number;
                            /** @enum {string} */
                            state: "pending" | "queued" | "running" | "succeeded" | "failed" | "pruned" | "cancelled";
                            jobId: string | null;
                            /** @description Dotted path -> value */
                            params: {
                                [key: string]: unknown;
                            };
                            objective: number | null;
                            /** @description Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics */
                            metrics: {
                                [key: string]: number | boolean;
                            };
                            step: number | null;
                            note: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        /** @description The request, defaults filled in */
                        spec: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_cancellable, not_resumable, no_report, attempt_superseded or upload_offset_mismatch: the resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createUpload: {
        parameters: {
            query?: {
                /** @description The project the upload belongs to (default: the token’s only project, else `default`) */
                project?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The text */
        requestBody: {
            content: {
                "text/plain": string;
                "application/octet-stream": string;
                "application/x-ndjson": string;
                "application/jsonl": string;
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @description Bytes */
                        size: number;
                        sha256: string;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** @description Bytes */
                        size: number;
                        sha256: string;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    downloadUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bytes */
            200: {
                headers: {
                    /** @description sha256, hex */
                    "x-sha256"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The bytes asked for with `Range: bytes=<first>-[<last>]` */
            206: {
                headers: {
                    /** @description bytes <first>-<last>/<size> */
                    "content-range"?: string;
                    /** @description sha256 of the whole file, hex */
                    "x-sha256"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description artifact_missing: the file is gone from the artifact store */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listWorkers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Worker"][];
                    };
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listQueues: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Queue"][];
                    };
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    pauseQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A queue name from GET /v1/queues */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Queue"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    resumeQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A queue name from GET /v1/queues */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Queue"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    whoAmI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        subject: string;
                        superuser: boolean;
                        roles: {
                            [key: string]: "viewer" | "member" | "admin";
                        };
                    };
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Token"][];
                    };
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description Who acts with it. Default: the name */
                    subject?: string;
                    /** @default [] */
                    grants?: {
                        /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                        project: string;
                        /**
                         * @description viewer: read; member: also submit and cancel; admin: also tokens and quotas
                         * @enum {string}
                         */
                        role: "viewer" | "member" | "admin";
                    }[];
                    /** @default false */
                    superuser?: boolean;
                    expiresInDays?: number;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Shown once */
                        token: string;
                        record: components["schemas"]["Token"];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listProjects: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Project"][];
                    };
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    putProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description null lifts the quota */
                    maxQueued?: number | null;
                    /** @description null lifts the quota */
                    maxRunningGpu?: number | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Project"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createStreamToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        token: string;
                        /** Format: date-time */
                        expiresAt: string;
                    };
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    openTransfer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description The job whose output this is
                     */
                    jobId: string;
                    /** @description The attempt sending it (the fence the worker claimed the job with); another attempt’s transfer is refused */
                    fence: number;
                    /** @description Artifact name (GET /v1/jobs/{id}/artifacts/{name}) */
                    name: string;
                    /** @description Artifact kind: checkpoint, dataset, samples, report, … */
                    kind: string;
                    /** @description Where the file goes in the job’s directory, e.g. checkpoint.pt or dataset/train.bin */
                    path: string;
                    /** @description Bytes */
                    size: number;
                    /** @description sha256 of the whole file, lowercase hex */
                    sha256: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** Format: uuid */
                        jobId: string;
                        fence: number;
                        name: string;
                        kind: string;
                        path: string;
                        size: number;
                        /** @description sha256 of the whole file, lowercase hex */
                        sha256: string;
                        /** @description Bytes received and kept: send the rest from here (also the Upload-Offset header) */
                        offset: number;
                        /** @description True once the file is checked and registered as the job’s artifact */
                        complete: boolean;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_cancellable, not_resumable, no_report, attempt_superseded or upload_offset_mismatch: the resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getTransfer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description Bytes the api holds */
                    "upload-offset"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** Format: uuid */
                        jobId: string;
                        fence: number;
                        name: string;
                        kind: string;
                        path: string;
                        size: number;
                        /** @description sha256 of the whole file, lowercase hex */
                        sha256: string;
                        /** @description Bytes received and kept: send the rest from here (also the Upload-Offset header) */
                        offset: number;
                        /** @description True once the file is checked and registered as the job’s artifact */
                        complete: boolean;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    appendTransfer: {
        parameters: {
            query?: never;
            header: {
                /** @description Where these bytes start: the offset the api holds */
                "upload-offset": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description The next bytes */
        requestBody: {
            content: {
                "application/offset+octet-stream": string;
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description Bytes the api holds */
                    "upload-offset"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        id: string;
                        /** Format: uuid */
                        jobId: string;
                        fence: number;
                        name: string;
                        kind: string;
                        path: string;
                        size: number;
                        /** @description sha256 of the whole file, lowercase hex */
                        sha256: string;
                        /** @description Bytes received and kept: send the rest from here (also the Upload-Offset header) */
                        offset: number;
                        /** @description True once the file is checked and registered as the job’s artifact */
                        complete: boolean;
                        /** Format: date-time */
                        createdAt: string;
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_cancellable, not_resumable, no_report, attempt_superseded or upload_offset_mismatch: the resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description checksum_mismatch or idempotency_mismatch: the Idempotency-Key was used with another body, or the bytes of an artifact transfer do not match its sha256 */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Webhook"][];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An http:// or https:// URL the api can reach */
                    url: string;
                    /** @description What to deliver. Default: every event */
                    events?: ("job.queued" | "job.running" | "job.succeeded" | "job.failed" | "job.cancelling" | "job.cancelled" | "job.deleted")[];
                    description?: string | null;
                    /** @default true */
                    active?: boolean;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Signs every delivery; shown once */
                        secret: string;
                        webhook: components["schemas"]["Webhook"];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                name: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                name: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An http:// or https:// URL the api can reach */
                    url?: string;
                    events?: ("job.queued" | "job.running" | "job.succeeded" | "job.failed" | "job.cancelling" | "job.cancelled" | "job.deleted")[];
                    description?: string | null;
                    active?: boolean;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                state?: "pending" | "delivered" | "failed";
                limit?: number;
            };
            header?: never;
            path: {
                /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                name: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["WebhookDelivery"][];
                    };
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    redeliverWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A project: lower-case letters, digits, - and _ (at most 63) */
                name: string;
                id: string;
                deliveryId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description invalid_request, invalid_json or invalid_cursor: `details` names every bad field by its JSON pointer */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description unauthorized: no token, or one unknown, revoked or expired (FSDFM_AUTH=on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description forbidden: the token may see the project but its role there does not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not_found or no_trace: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description rate_limited or quota_exceeded: too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description internal: a bug; the message carries the request id the api log has the details under */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description store_unavailable or queue_unavailable: PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}

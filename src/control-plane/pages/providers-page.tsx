import { createHash } from 'node:crypto';
import type { Child } from 'hono/jsx';
import type { ProviderEvidenceAnswer, ResultAnswer, RunJson, StatusAnswer } from '../readiness/validation-answers.js';

/**
 * The `/providers` page: provider readiness as the provider-validation API answers it. Rendering only:
 * every value shown is a field of one of the API's JSON answers (handed in by `routes/page-routes.ts`),
 * printed as it is or in a fixed human form, with the API's own value beside it in `data-value` (JSON).
 * Readable without JavaScript; the inline script only turns the "Run validation" form into a call of
 * the JSON API. hono/jsx escapes every value.
 */

export interface ProvidersPageView {
  /** `GET /api/automation/usage/provider-validation`. */
  readonly status: StatusAnswer;
  /** `GET …/providers/:provider` of every provider of `status`, in its order. */
  readonly evidence: readonly (ProviderEvidenceAnswer & { provider: string })[];
  /** `GET …/runs?limit=…`: the latest runs, newest first. */
  readonly runs: readonly RunJson[];
  /** `GET …/runs/:run_id` of `?run=`, to show highlighted; null when none was asked for or it is unknown. */
  readonly selected: RunJson | null;
  /** A notice for the reader (bad input, a run that could not start); null for none. */
  readonly notice: string | null;
  /** Where the form's script posts (the JSON API's run route). */
  readonly runApiPath: string;
  /** The JSON API's status path, linked for readers who want the raw answer. */
  readonly statusApiPath: string;
  /** Each provider's kind: a compute provider, or an LLM provider of the gateway. */
  readonly kinds: Readonly<Record<string, 'compute' | 'llm' | null>>;
}

/** Where the no-JavaScript form posts, and the page itself. */
export const PROVIDERS_PAGE_PATH = '/providers';
export const PROVIDERS_RUN_FORM_PATH = '/providers/run';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.75rem 0 .5rem}h3{font-size:1rem;margin:1.25rem 0 .4rem}
table{border-collapse:collapse;margin:.25rem 0 1rem;width:100%}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ready{color:#116329;font-weight:600}.not-ready{color:#a40e26;font-weight:600}
.notice{border:1px solid #d4a72c;background:#fff8c5;padding:.5rem .75rem;margin:1rem 0}
tr.highlight td,section.highlight{background:#ddf4ff}section.highlight{padding:.25rem .75rem;border:2px solid #0969da}
.muted{color:#57606a}code,time{font-family:ui-monospace,monospace;font-size:.92em}time{white-space:nowrap}
form{margin:1rem 0;display:flex;gap:.5rem;align-items:center}button{font:inherit;padding:.3rem .9rem}
ul.checks{margin:0;padding-left:1.1rem}
`;

/** The progressive enhancement: the form posts JSON to the API instead, then opens the new run. */
const SCRIPT = `
(function () {
  var form = document.getElementById('run-form');
  if (!form || !window.fetch) return;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var button = form.querySelector('button');
    var progress = document.getElementById('run-progress');
    button.disabled = true;
    progress.textContent = 'Running validation\\u2026';
    var mode = new FormData(form).get('mode');
    fetch(form.getAttribute('data-api'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ mode: mode })
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok || !body || typeof body.run_id !== 'string') {
            throw new Error((body && body.error && body.error.message) || 'HTTP ' + response.status);
          }
          window.location.assign(form.getAttribute('data-page') + '?run=' + encodeURIComponent(body.run_id));
        });
      })
      .catch(function (error) {
        progress.textContent = 'The validation did not run: ' + error.message;
        button.disabled = false;
      });
  });
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: its own inline style and script (by hash) and nothing else; no
 * asset from anywhere (the icon is an empty data: URL), requests and form posts to this origin only.
 */
export const PROVIDERS_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  'img-src data:',
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The human forms of the API's values. */
const show = {
  ready: (ready: boolean) => (ready ? 'ready' : 'not ready'),
  time: (at: string | null) => at ?? 'never',
  rate: (rate: number) => `${Number((rate * 100).toFixed(2))}%`,
  count: (count: number) => String(count),
  errorClass: (errorClass: string | null) => errorClass ?? 'none',
  check: (passed: boolean | null) => (passed === null ? 'not run' : passed ? 'passed' : 'FAILED'),
};

/** One cell: the human form, and the API's own value as JSON in `data-value`. */
function Cell(props: { field: string; value: unknown; children: Child; class?: string }) {
  return (
    <td data-field={props.field} data-value={JSON.stringify(props.value)} class={props.class}>
      {props.children}
    </td>
  );
}

function Time(props: { at: string | null }) {
  return props.at === null ? <span class="muted">never</span> : <time datetime={props.at}>{props.at}</time>;
}

const runHref = (runId: string) => `${PROVIDERS_PAGE_PATH}?run=${encodeURIComponent(runId)}`;

function ProviderRow(props: { row: StatusAnswer['providers'][number]; required: boolean; kind: 'compute' | 'llm' | null }) {
  const { row } = props;
  return (
    <tr data-provider={row.provider}>
      <th scope="row" data-field="provider" data-value={JSON.stringify(row.provider)}>
        <a href={`#provider-${row.provider}`}>{row.provider}</a>
      </th>
      <Cell field="kind" value={props.kind}>
        {props.kind === 'llm' ? 'LLM' : props.kind === 'compute' ? 'compute' : 'not enabled'}
      </Cell>
      <Cell field="required" value={props.required}>
        {props.required ? 'required' : 'optional'}
      </Cell>
      <Cell field="ready" value={row.ready} class={row.ready ? 'ready' : 'not-ready'}>
        {show.ready(row.ready)}
      </Cell>
      <Cell field="last_validated_at" value={row.last_validated_at}>
        <Time at={row.last_validated_at} />
      </Cell>
      <Cell field="last_successful_execution_at" value={row.last_successful_execution_at}>
        <Time at={row.last_successful_execution_at} />
      </Cell>
      <Cell field="last_failure_at" value={row.last_failure_at}>
        <Time at={row.last_failure_at} />
      </Cell>
      <Cell field="failure_rate_24h" value={row.failure_rate_24h} class="num">
        {show.rate(row.failure_rate_24h)}
      </Cell>
      <Cell field="retry_count_24h" value={row.retry_count_24h} class="num">
        {show.count(row.retry_count_24h)}
      </Cell>
      <Cell field="escalation_count_24h" value={row.escalation_count_24h} class="num">
        {show.count(row.escalation_count_24h)}
      </Cell>
      <Cell field="last_error_class" value={row.last_error_class}>
        {row.last_error_class === null ? <span class="muted">none</span> : <code>{row.last_error_class}</code>}
      </Cell>
    </tr>
  );
}

function Checks(props: { result: ResultAnswer }) {
  return (
    <ul class="checks">
      {props.result.checks.map((check) => (
        <li data-check={check.check}>
          <code>{check.check}</code>: <strong>{show.check(check.passed)}</strong>
          {check.error_class === null ? '' : <> (<code>{check.error_class}</code>)</>}
          {check.attempts > 1 ? ` after ${check.attempts} attempts` : ''} — {check.detail}
        </li>
      ))}
    </ul>
  );
}

function FailureHistory(props: { evidence: ProviderEvidenceAnswer }) {
  const failures = props.evidence.history.filter((result) => !result.passed);
  if (failures.length === 0) {
    const count = props.evidence.history.length;
    return <p class="muted">{count === 0 ? 'Never validated.' : `No failed result among its last ${count === 1 ? 'result' : `${count} results`}.`}</p>;
  }
  return (
    <table class="failures">
      <thead>
        <tr>
          <th>Run</th>
          <th>Mode</th>
          <th>Completed</th>
          <th>Error class</th>
          <th>Checks</th>
        </tr>
      </thead>
      <tbody>
        {failures.map((result) => (
          <tr data-run={result.run_id}>
            <td>
              <a href={runHref(result.run_id)}>
                <code>{result.run_id}</code>
              </a>
            </td>
            <td>{result.mode}</td>
            <td>
              <Time at={result.completed_at} />
            </td>
            <td>
              <code>{show.errorClass(result.last_error_class)}</code>
            </td>
            <td>
              <Checks result={result} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Escalations(props: { evidence: ProviderEvidenceAnswer }) {
  const { escalations } = props.evidence;
  if (escalations.length === 0) return <p class="muted">No escalation away from it in the last 24 hours.</p>;
  return (
    <table class="escalations">
      <thead>
        <tr>
          <th>At</th>
          <th>Kind</th>
          <th>Trigger</th>
          <th>Message</th>
          <th>Evidence</th>
        </tr>
      </thead>
      <tbody>
        {escalations.map((escalation) => (
          <tr data-instance={escalation.instance_id}>
            <td>
              <Time at={escalation.at} />
            </td>
            <td>{escalation.kind}</td>
            <td>{escalation.trigger}</td>
            <td>{escalation.message}</td>
            <td>
              <a href={escalation.evidence}>{escalation.evidence}</a>
              <div class="muted">
                {escalation.decision_id === null ? 'placement' : 'LLM decision'} <code>{escalation.decision_id ?? escalation.placement_id}</code>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ProviderSection(props: { evidence: ProviderEvidenceAnswer & { provider: string } }) {
  const { evidence } = props;
  return (
    <section id={`provider-${evidence.provider}`} data-provider-section={evidence.provider}>
      <h3>
        {evidence.provider}{' '}
        <span class={evidence.status.ready ? 'ready' : 'not-ready'}>({show.ready(evidence.status.ready)})</span>
      </h3>
      <h4>Failure history</h4>
      <FailureHistory evidence={evidence} />
      <h4>Escalations (24 h)</h4>
      <Escalations evidence={evidence} />
    </section>
  );
}

function outcomeOf(result: ResultAnswer): string {
  return result.passed ? 'passed' : `failed (${show.errorClass(result.last_error_class)})`;
}

function RunsTable(props: { runs: readonly RunJson[]; highlighted: string | null }) {
  if (props.runs.length === 0) return <p class="muted">No validation has run yet.</p>;
  return (
    <table id="runs">
      <thead>
        <tr>
          <th>Run</th>
          <th>Mode</th>
          <th>Trigger</th>
          <th>Started</th>
          <th>Completed</th>
          <th>Results</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((run) => {
          const highlighted = run.run_id === props.highlighted;
          return (
            <tr id={`run-${run.run_id}`} data-run={run.run_id} class={highlighted ? 'highlight' : undefined} aria-current={highlighted ? 'true' : undefined}>
              <td>
                <a href={runHref(run.run_id)}>
                  <code>{run.run_id}</code>
                </a>
              </td>
              <td>{run.mode}</td>
              <td>{run.trigger}</td>
              <td>
                <Time at={run.started_at} />
              </td>
              <td>{run.completed_at === null ? <span class="muted">still running</span> : <Time at={run.completed_at} />}</td>
              <td>
                {run.providers.map((result, index) => (
                  <>
                    {index > 0 ? ', ' : ''}
                    <span data-result={result.provider}>
                      {result.provider}: {outcomeOf(result)}
                    </span>
                  </>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SelectedRun(props: { run: RunJson }) {
  const { run } = props;
  return (
    <section id="selected-run" class="highlight" data-run={run.run_id}>
      <h2>
        Run <code>{run.run_id}</code>
      </h2>
      <p>
        {run.mode} run ({run.trigger}), started <Time at={run.started_at} />, {run.completed_at === null ? 'still running' : <>completed <Time at={run.completed_at} /></>}.
      </p>
      <table>
        <thead>
          <tr>
            <th>Provider</th>
            <th>Outcome</th>
            <th>Ready after it</th>
            <th>Checks</th>
          </tr>
        </thead>
        <tbody>
          {run.providers.map((result) => (
            <tr data-result={result.provider}>
              <th scope="row">{result.provider}</th>
              <td>{outcomeOf(result)}</td>
              <td>{show.ready(result.ready)}</td>
              <td>
                <Checks result={result} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ProvidersPage(props: { view: ProvidersPageView }) {
  const { status, evidence, runs, selected, notice } = props.view;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Provider readiness · Hangar</title>
        {/* No icon to fetch: the browser would ask for /favicon.ico, which the API answers 404. */}
        <link rel="icon" href="data:," />
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <header>
          <h1>Provider readiness</h1>
          <p id="summary" data-ready={status.summary.ready} data-not-ready={status.summary.not_ready}>
            {status.summary.ready} ready, {status.summary.not_ready} not ready. Required:{' '}
            {status.required_providers.length === 0 ? 'none' : status.required_providers.join(', ')}. The same data as JSON:{' '}
            <a href={props.view.statusApiPath}>
              <code>{props.view.statusApiPath}</code>
            </a>
            .
          </p>
        </header>
        {notice === null ? (
          ''
        ) : (
          <p class="notice" id="notice" role="alert">
            {notice}
          </p>
        )}
        <form id="run-form" method="post" action={PROVIDERS_RUN_FORM_PATH} data-api={props.view.runApiPath} data-page={PROVIDERS_PAGE_PATH}>
          <label>
            Mode{' '}
            <select name="mode">
              <option value="full" selected>
                full (every check)
              </option>
              <option value="quick">quick (configured + auth)</option>
            </select>
          </label>
          <button type="submit">Run validation</button>
          <span id="run-progress" aria-live="polite"></span>
        </form>
        {selected === null ? '' : <SelectedRun run={selected} />}
        <h2>Providers</h2>
        <table id="providers">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Kind</th>
              <th>Required</th>
              <th>Status</th>
              <th>Last validated</th>
              <th>Last successful execution</th>
              <th>Last failure</th>
              <th>Failure rate (24 h)</th>
              <th>Retries (24 h)</th>
              <th>Escalations (24 h)</th>
              <th>Last error class</th>
            </tr>
          </thead>
          <tbody>
            {status.providers.map((row) => (
              <ProviderRow row={row} required={status.required_providers.includes(row.provider)} kind={props.view.kinds[row.provider] ?? null} />
            ))}
          </tbody>
        </table>
        <h2>Latest runs</h2>
        <RunsTable runs={runs} highlighted={selected?.run_id ?? null} />
        <h2>Failure history and escalations</h2>
        {evidence.map((entry) => (
          <ProviderSection evidence={entry} />
        ))}
        <script dangerouslySetInnerHTML={{ __html: SCRIPT }} />
      </body>
    </html>
  );
}

/** The whole document, doctype included. */
export async function renderProvidersPage(view: ProvidersPageView): Promise<string> {
  return `<!doctype html>${String(await (<ProvidersPage view={view} />).toString())}`;
}

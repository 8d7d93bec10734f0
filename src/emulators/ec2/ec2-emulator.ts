import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { SpotServiceLinkedRole, accountRefusal } from './account-standing.js';
import { EmulatorChaos, neverAnswer } from '../shared/emulator-chaos.js';
import { chaosCallOf, ec2ErrorFor } from './chaos-faults.js';
import { Ec2Error } from './ec2-error.js';
import { EC2_OPERATIONS } from './ec2-operations.js';
import { type Ec2EmulatorOptions, resolveEc2Options } from './ec2-options.js';
import { Ec2State } from './ec2-state.js';
import { renderError, renderResponse } from './ec2-xml.js';
import { QueryParams } from './query-params.js';
import { getProducts, PricingError } from './pricing/get-products.js';
import { authenticatePriceListRequest, throttlePriceList } from './pricing/price-list-gate.js';
import { ec2PriceListProducts } from './pricing/price-list-products.js';
import { verifySignature } from './request-signature.js';
import { RequestThrottle } from './request-throttle.js';
import { parseAuthorization, signingRegion } from './sigv4-scope.js';

export interface Ec2Emulator {
  readonly app: Hono;
  readonly state: Ec2State;
  readonly chaos: EmulatorChaos;
  /** Requests answered per Action since start (or the last reset): how benchmarks count API calls. */
  readonly calls: Map<string, number>;
}

const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';
const JSON_1_1_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** An in-process EC2 endpoint speaking the `ec2` (AWS Query) protocol over `POST /` (or `GET /?…`). */
export function createEc2Emulator(options: Ec2EmulatorOptions = {}): Ec2Emulator {
  const state = new Ec2State(resolveEc2Options(options));
  const chaos = new EmulatorChaos('ec2-emulator', options.chaos ?? null);
  const throttle = state.options.throttle === null ? null : new RequestThrottle(state.options.throttle);
  const pricingThrottle = state.options.pricingThrottle === null ? null : new RequestThrottle(state.options.pricingThrottle);
  const spotRole = new SpotServiceLinkedRole(state.options.spotServiceLinkedRole, () => state.options.deniedActions.includes('iam:CreateServiceLinkedRole'));
  const calls = new Map<string, number>();
  const count = (action: string) => calls.set(action, (calls.get(action) ?? 0) + 1);
  const app = new Hono();
  // Test and operator controls live under /_emulator, a path EC2 never serves.
  chaos.mount(app);
  app.post('/_emulator/spot-interruptions', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { instanceId?: unknown; noticeMs?: unknown } | null;
    const instance = typeof body?.instanceId === 'string' ? state.instances.get(body.instanceId) : undefined;
    if (instance?.spotInstanceRequestId === undefined) return c.json({ error: { code: 'NOT_A_SPOT_INSTANCE', message: 'instanceId must name a spot instance' } }, 404);
    const noticeMs = typeof body?.noticeMs === 'number' && body.noticeMs >= 0 ? body.noticeMs : 120_000;
    instance.interruptAt = state.options.now() + noticeMs;
    return c.json({ instanceId: instance.instanceId, interruptAt: new Date(instance.interruptAt).toISOString() });
  });

  // The Price List API (JSON 1.1 protocol, `X-Amz-Target: AWSPriceListService.<Operation>`) on the same endpoint.
  const products = ec2PriceListProducts(
    state.options.regions.map((region) => region.name),
    new Date(state.options.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
  );
  app.post('*', async (c, next) => {
    const target = c.req.header('x-amz-target');
    if (target === undefined || !target.startsWith('AWSPriceListService.')) return next();
    const requestId = randomUUID();
    const headers = { 'content-type': JSON_1_1_CONTENT_TYPE, 'x-amzn-requestid': requestId };
    try {
      const text = await c.req.text();
      authenticatePriceListRequest(
        { method: c.req.method, url: new URL(c.req.url), headers: c.req.raw.headers, body: text, authorization: c.req.header('authorization') },
        state.options.accessKeys,
      );
      if (target !== 'AWSPriceListService.GetProducts') throw new PricingError('InvalidParameterException', `Operation ${target} is not served by this emulator`);
      count('Pricing.GetProducts');
      throttlePriceList(pricingThrottle, state.options.now());
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new PricingError('InvalidParameterException', 'The request body is not JSON');
      }
      return c.body(JSON.stringify(getProducts(body, products)), 200, headers);
    } catch (error) {
      const pricingError = error instanceof PricingError ? error : new PricingError('InvalidParameterException', 'Internal error');
      return c.body(JSON.stringify({ __type: pricingError.type, Message: pricingError.message }), pricingError.status, headers);
    }
  });

  app.all('*', async (c) => {
    const requestId = randomUUID();
    try {
      const regionName = signingRegion(c.req.header('authorization'));
      const region = state.options.regions.find((candidate) => candidate.name === regionName);
      if (region === undefined) throw new Ec2Error('AuthFailure', `The region '${regionName}' is not served by this endpoint.`, 401);
      const encoded = c.req.method === 'GET' ? new URL(c.req.url).search.slice(1) : await c.req.text();
      // EC2 answers an unknown access key and a wrong signature alike, without saying which.
      const authorization = parseAuthorization(c.req.header('authorization'));
      const signed = { method: c.req.method, url: new URL(c.req.url), headers: c.req.raw.headers, body: c.req.method === 'GET' ? '' : encoded };
      if (authorization !== null && verifySignature(authorization, signed, state.options.accessKeys).outcome !== 'accepted') {
        throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
      }
      const params = QueryParams.parse(encoded);
      const action = params.string('Action');
      if (action === undefined || action === '') throw new Ec2Error('MissingAction', 'The request must contain the parameter Action');
      const operation = EC2_OPERATIONS[action];
      if (operation === undefined) throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
      count(action);
      // The account's standing, then IAM, before anything else, DryRun included.
      const refusal = accountRefusal(state.options.accountStatus);
      if (refusal !== null) throw refusal;
      if (state.options.deniedActions.includes(action)) throw new Ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
      throttle?.take(region.name, state.options.now());
      spotRole.beforeLaunch(action, params);
      const chaosCall = chaosCallOf(action, params, region.name);
      const fault = chaosCall === null ? null : await chaos.before(chaosCall);
      if (fault?.kind === 'error') throw ec2ErrorFor(fault.code, fault.message);
      if (fault?.kind === 'timeout') return await neverAnswer();
      const members = operation({ params, region, state, now: state.options.now(), chaos });
      // A phantom: the call took effect, the caller is told it failed.
      if (fault?.kind === 'phantom') throw ec2ErrorFor(fault.code, fault.message);
      const body = renderResponse(action, requestId, members);
      // Malformed: cut the document in half, so no XML parser can read it.
      return c.body(fault?.kind === 'malformed' ? body.slice(0, Math.floor(body.length / 2)) : body, 200, { 'content-type': XML_CONTENT_TYPE });
    } catch (error) {
      const ec2Error = error instanceof Ec2Error ? error : new Ec2Error('InternalError', 'An internal error has occurred', 500);
      return c.body(renderError(ec2Error, requestId), ec2Error.status, { 'content-type': XML_CONTENT_TYPE });
    }
  });

  return { app, state, chaos, calls };
}

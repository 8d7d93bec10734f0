import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { Ec2Error } from './ec2-error.js';
import { EC2_OPERATIONS } from './ec2-operations.js';
import { type Ec2EmulatorOptions, resolveEc2Options } from './ec2-options.js';
import { Ec2State } from './ec2-state.js';
import { renderError, renderResponse } from './ec2-xml.js';
import { QueryParams } from './query-params.js';
import { signingRegion } from './sigv4-scope.js';

export interface Ec2Emulator {
  readonly app: Hono;
  readonly state: Ec2State;
}

const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';

/** An in-process EC2 endpoint speaking the `ec2` (AWS Query) protocol over `POST /` (or `GET /?…`). */
export function createEc2Emulator(options: Ec2EmulatorOptions = {}): Ec2Emulator {
  const state = new Ec2State(resolveEc2Options(options));
  const app = new Hono();

  app.all('*', async (c) => {
    const requestId = randomUUID();
    try {
      const regionName = signingRegion(c.req.header('authorization'));
      const region = state.options.regions.find((candidate) => candidate.name === regionName);
      if (region === undefined) throw new Ec2Error('AuthFailure', `The region '${regionName}' is not served by this endpoint.`, 401);
      const encoded = c.req.method === 'GET' ? new URL(c.req.url).search.slice(1) : await c.req.text();
      const params = QueryParams.parse(encoded);
      const action = params.string('Action');
      if (action === undefined || action === '') throw new Ec2Error('MissingAction', 'The request must contain the parameter Action');
      const operation = EC2_OPERATIONS[action];
      if (operation === undefined) throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
      const members = operation({ params, region, state, now: state.options.now() });
      return c.body(renderResponse(action, requestId, members), 200, { 'content-type': XML_CONTENT_TYPE });
    } catch (error) {
      const ec2Error = error instanceof Ec2Error ? error : new Ec2Error('InternalError', 'An internal error has occurred', 500);
      return c.body(renderError(ec2Error, requestId), ec2Error.status, { 'content-type': XML_CONTENT_TYPE });
    }
  });

  return { app, state };
}

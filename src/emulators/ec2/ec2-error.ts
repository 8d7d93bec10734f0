/** An EC2 API error: the `<Code>` string is the only identity EC2 errors have on the wire. */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 401 | 403 | 412 | 500 | 503 = 400,
  ) {
    super(message);
    this.name = 'Ec2Error';
  }
}

export const invalidParameterValue = (message: string): Ec2Error => new Ec2Error('InvalidParameterValue', message);

export const missingParameter = (name: string): Ec2Error =>
  new Ec2Error('MissingParameter', `The request must contain the parameter ${name}`);

/** A successful dry run is an error response (AWS errors page: DryRunOperation, HTTP 412). */
export const dryRunSucceeded = (): Ec2Error =>
  new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);

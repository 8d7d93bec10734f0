import { describe, expect, it } from 'vitest';
import { cloudConfigBootstrap, renderShellBootstrap, verifyBootstrapChecksum } from '../../src/contracts/index.js';
import { shellSyntaxError } from '../support/shell-syntax.js';

describe('cloud-config bootstrap', () => {
  const config = { instanceId: 'inst_1', hostname: 'trainer', script: "echo 'hi' \"$HOME\"\n: ---", env: { TOKEN: "it's: [yaml]" } };

  it('writes the shared shell bootstrap and runs it once, with a verifiable checksum', () => {
    const output = cloudConfigBootstrap(config);
    expect(output.format).toBe('cloud-config');
    expect(verifyBootstrapChecksum(output)).toBe(true);
    const lines = output.content.split('\n');
    expect(lines[0]).toBe('#cloud-config');
    const encoded = /^ {4}content: ([A-Za-z0-9+/=]+)$/m.exec(output.content)?.[1];
    const script = Buffer.from(encoded ?? '', 'base64').toString('utf8');
    expect(script).toBe(renderShellBootstrap(config));
    expect(shellSyntaxError(script)).toBeNull();
    expect(output.content).toContain('runcmd:\n  - [sh, /var/lib/hangar/bootstrap.sh]');
  });

  it('keeps caller text out of the YAML itself', () => {
    const output = cloudConfigBootstrap(config);
    expect(output.content).not.toContain('yaml');
    expect(output.content).not.toContain('$HOME');
  });
});

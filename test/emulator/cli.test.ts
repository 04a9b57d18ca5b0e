import { runCli, startCli } from './cli-process';

const LISTENING_LINE = /^iTest emulator listening on (http:\/\/127\.0\.0\.1:(\d+)\/) \(user reseller\)$/;

function loginBody(): string {
	return 'API_95718=reseller&API_84572=emulator-secret';
}

describe('emulator CLI', () => {
	it('prints its URL, serves the API and stops on SIGTERM', async () => {
		const cli = await startCli([]);
		try {
			const match = LISTENING_LINE.exec(cli.firstLine);
			expect(match).not.toBeNull();
			const url = match?.[1] ?? '';

			const response = await fetch(`${url}?t=4010&cid=C-1&name=Acme&enable=1`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: loginBody(),
			});

			expect(await response.text()).toBe(
				'<Company>\n    <Adminitration>\n        <Status>Success</Status>\n    </Adminitration>\n</Company>\n',
			);
		} finally {
			const result = await cli.stop('SIGTERM');
			expect(result.code).toBe(0);
			expect(result.stdout).toBe(`${cli.firstLine}\n`);
			expect(result.stderr).toBe('iTest emulator stopped (SIGTERM)\n');
		}
	});

	it('applies the port, latency and permission mode arguments', async () => {
		const probe = await startCli([]);
		const port = Number(LISTENING_LINE.exec(probe.firstLine)?.[2]);
		await probe.stop('SIGTERM');

		const cli = await startCli(['--port', String(port), '--latency-ms', '120', '--permission-mode', 'add']);
		try {
			expect(cli.firstLine).toBe(`iTest emulator listening on http://127.0.0.1:${port}/ (user reseller)`);

			const options = (await (await fetch(`http://127.0.0.1:${port}/__emulator/options`)).json()) as Record<string, unknown>;
			expect(options.latencyMs).toBe(120);
			expect(options.permissionMode).toBe('add');
			expect(options.textEncoding).toBe('latin1');

			const start = performance.now();
			await fetch(`http://127.0.0.1:${port}/?t=9999`, { method: 'POST', body: '' });
			expect(performance.now() - start).toBeGreaterThanOrEqual(118);
		} finally {
			const result = await cli.stop('SIGINT');
			expect(result.code).toBe(0);
			expect(result.stderr).toBe('iTest emulator stopped (SIGINT)\n');
		}
	});

	it('applies the text encoding argument', async () => {
		const cli = await startCli(['--text-encoding', 'utf8']);
		try {
			const url = LISTENING_LINE.exec(cli.firstLine)?.[1] ?? '';
			const options = (await (await fetch(`${url}__emulator/options`)).json()) as Record<string, unknown>;

			expect(options.textEncoding).toBe('utf8');
		} finally {
			await cli.stop('SIGTERM');
		}
	});

	it.each([
		[['--bogus'], 'iTest emulator: Unknown argument: --bogus\n'],
		[['--port'], 'iTest emulator: --port needs a whole number, got nothing\n'],
		[['--latency-ms', 'soon'], 'iTest emulator: --latency-ms needs a whole number, got "soon"\n'],
		[['--permission-mode', 'merge'], 'iTest emulator: --permission-mode must be replace or add, got "merge"\n'],
		[['--text-encoding', 'ascii'], 'iTest emulator: --text-encoding must be latin1 or utf8, got "ascii"\n'],
	])('exits with code 2 for %j', async (args, firstLine) => {
		const result = await runCli(args);

		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr.startsWith(`${firstLine}\nUsage: node emulator/cli.js [options]\n`)).toBe(true);
	});

	it('exits with code 1 when the port is invalid', async () => {
		const result = await runCli(['--port', '70000']);

		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			'iTest emulator: start failed: Invalid emulator option port: expected a whole number from 0 to 65535, got 70000\n',
		);
	});

	it('prints the usage for --help', async () => {
		const result = await runCli(['--help']);

		expect(result.code).toBe(0);
		expect(result.stdout).toContain('--permission-mode MODE    t=5150 behaviour: replace (default) or add\n');
		expect(result.stdout.startsWith('Usage: node emulator/cli.js [options]\n')).toBe(true);
	});
});

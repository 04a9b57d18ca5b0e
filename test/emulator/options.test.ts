import { DEFAULT_OPTIONS, startEmulator, type EmulatorOptions } from '../../emulator';
import { callApi, companyQuery } from './client';

describe('startEmulator options', () => {
	it('has the documented defaults', () => {
		expect(DEFAULT_OPTIONS).toEqual({
			port: 0,
			host: '127.0.0.1',
			username: 'reseller',
			password: 'emulator-secret',
			userField: 'API_95718',
			passField: 'API_84572',
			textEncoding: 'latin1',
			permissionMode: 'replace',
			latencyMs: 0,
			maxUploadBytes: 64 * 1024 * 1024,
			xmlDeclaration: false,
			charsetHeader: true,
			maxLoggedRequests: 10000,
		});
	});

	it('listens on a free loopback port by default', async () => {
		const emulator = await startEmulator();
		try {
			expect(emulator.port).toBeGreaterThan(0);
			expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}/`);
			expect(emulator.options.port).toBe(emulator.port);
			expect((await callApi(emulator, companyQuery('C-1'))).status).toBe(200);
		} finally {
			await emulator.close();
		}
	});

	it('listens on the given port and rejects a port in use', async () => {
		const first = await startEmulator();
		try {
			await expect(startEmulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
		} finally {
			await first.close();
		}

		const second = await startEmulator({ port: first.port });
		try {
			expect(second.url).toBe(`http://127.0.0.1:${first.port}/`);
		} finally {
			await second.close();
		}
	});

	it.each<[EmulatorOptions, string]>([
		[{ host: '0.0.0.0' }, 'Invalid emulator option host: only 127.0.0.1 is allowed, got "0.0.0.0"'],
		[{ host: 'localhost' }, 'Invalid emulator option host: only 127.0.0.1 is allowed, got "localhost"'],
		[{ port: 70000 }, 'Invalid emulator option port: expected a whole number from 0 to 65535, got 70000'],
		[{ textEncoding: 'ascii' as 'utf8' }, 'Invalid emulator option textEncoding: expected one of "latin1", "utf8", got "ascii"'],
		[{ latencyMs: -1 }, 'Invalid emulator option latencyMs: expected a whole number from 0 to 600000, got -1'],
		[{ username: '' }, 'Invalid emulator option username: expected a non-empty string, got ""'],
		[{ xmlDeclaration: 'yes' as unknown as boolean }, 'Invalid emulator option xmlDeclaration: expected one of true, false, got "yes"'],
		[{ port: undefined }, 'Invalid emulator option port: undefined'],
	])('rejects %j', async (options, message) => {
		await expect(startEmulator(options)).rejects.toThrow(message);
	});

	it('rejects an unknown option name', async () => {
		await expect(startEmulator({ latency: 5 } as EmulatorOptions)).rejects.toThrow(
			'Unknown emulator option: latency (known: port, host, username, password, userField, passField, textEncoding, permissionMode, latencyMs, maxUploadBytes, xmlDeclaration, charsetHeader, maxLoggedRequests)',
		);
	});
});

describe('setOptions', () => {
	it('changes options and returns them', async () => {
		const emulator = await startEmulator();
		try {
			const options = emulator.setOptions({ textEncoding: 'utf8', latencyMs: 5 });

			expect(options.textEncoding).toBe('utf8');
			expect(options.latencyMs).toBe(5);
			expect(emulator.options.textEncoding).toBe('utf8');
		} finally {
			await emulator.close();
		}
	});

	it('rejects a change of port or host and keeps the options', async () => {
		const emulator = await startEmulator();
		try {
			expect(() => emulator.setOptions({ port: 1 } as EmulatorOptions)).toThrow(
				'Emulator option port cannot change while the emulator runs',
			);
			expect(() => emulator.setOptions({ host: '127.0.0.1' } as EmulatorOptions)).toThrow(
				'Emulator option host cannot change while the emulator runs',
			);
			expect(() => emulator.setOptions({ permissionMode: 'merge' as 'add' })).toThrow(
				'Invalid emulator option permissionMode: expected one of "replace", "add", got "merge"',
			);
			expect(emulator.options.permissionMode).toBe('replace');
		} finally {
			await emulator.close();
		}
	});
});

describe('close', () => {
	it('stops listening and can be called twice', async () => {
		const emulator = await startEmulator();

		await emulator.close();
		await emulator.close();

		await expect(fetch(`${emulator.url}__emulator/state`)).rejects.toThrow('fetch failed');
	});
});

import { startEmulator, type Emulator } from '../../emulator';
import { LOGIN, callApi, createCompany, createSupplier, resultXml, uploadFile } from './client';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});

afterAll(async () => {
	await emulator.close();
});

beforeEach(async () => {
	emulator.reset();
	emulator.setOptions({ permissionMode: 'replace' });
	await createCompany(emulator, 'C-1');
});

const uploadStatus = (text: string) => resultXml('NDB', 'Number_Upload', 'Status', text);
const permissionStatus = (text: string) => resultXml('NDB', 'Supplier_Permissions', 'Status', text);

describe('t=5110 number import', () => {
	it('adds one number per line to the company', async () => {
		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '442079460000\r\n+33123456789\n\n  15551230000  \n');

		expect(response.text).toBe(
			'<NDB>\n    <Number_Upload>\n        <Status>Success</Status>\n    </Number_Upload>\n</NDB>\n',
		);
		expect([...emulator.state.getNumbers('C-1')]).toEqual(['442079460000', '+33123456789', '15551230000']);
		expect(emulator.state.snapshot().numbers).toEqual([{ cid: 'C-1', count: 3 }]);
	});

	it('keeps repeated numbers once across imports', async () => {
		await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '111\n222\n111\n');
		await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '222\n333\n');

		expect([...emulator.state.getNumbers('C-1')]).toEqual(['111', '222', '333']);
	});

	it('accepts an empty file', async () => {
		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '');

		expect(response.text).toBe(uploadStatus('Success'));
		expect(emulator.state.getNumbers('C-1').size).toBe(0);
	});

	it('rejects a file with an invalid line and stores nothing', async () => {
		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '111\n222\n12a4\n333\n');

		expect(response.text).toBe(uploadStatus('Invalid number on line 3 of uploadfile: 12a4'));
		expect(emulator.state.getNumbers('C-1').size).toBe(0);
	});

	it('rejects a multipart body without uploadfile', async () => {
		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, null);

		expect(response.text).toBe(uploadStatus('Missing file: uploadfile'));
	});

	it('rejects uploadfile sent as a text field', async () => {
		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, null, { ...LOGIN, uploadfile: '111\n' });

		expect(response.text).toBe(uploadStatus('Missing file: uploadfile'));
		// FormData turns line breaks in text fields into CRLF, as the HTML form rules require.
		expect(emulator.requests.at(-1)?.body.uploadfile).toBe('111\r\n');
	});

	it('rejects a file part with an empty file name', async () => {
		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, '111\n', LOGIN, '');

		expect(response.text).toBe(uploadStatus('Missing file: uploadfile'));
	});

	it('rejects a form-urlencoded body', async () => {
		const response = await callApi(emulator, { t: '5110', cid: 'C-1' });

		expect(response.text).toBe(uploadStatus('Missing file: uploadfile'));
	});

	it('rejects an unknown company', async () => {
		const response = await uploadFile(emulator, { t: '5110', cid: 'C-9' }, '111\n');

		expect(response.text).toBe(uploadStatus('Unknown company: C-9'));
		expect(emulator.state.snapshot().numbers).toEqual([]);
	});

	it('rejects a request without cid', async () => {
		const response = await uploadFile(emulator, { t: '5110' }, '111\n');

		expect(response.text).toBe(uploadStatus('Missing field: cid'));
	});

	it('imports a 20 MB file of 1,000,000 numbers', async () => {
		const lineLength = 20;
		const lineCount = 1_000_000;
		const file = Buffer.alloc(lineLength * lineCount);
		for (let i = 0; i < lineCount; i++) {
			file.write(`44${String(i).padStart(17, '0')}\n`, i * lineLength, 'latin1');
		}

		const response = await uploadFile(emulator, { t: '5110', cid: 'C-1' }, file, LOGIN, 'numbers.txt');

		expect(response.text).toBe(uploadStatus('Success'));
		const numbers = emulator.state.getNumbers('C-1');
		expect(numbers.size).toBe(lineCount);
		expect(numbers.has('4400000000000000000')).toBe(true);
		expect(numbers.has('4400000000000999999')).toBe(true);
		const logged = emulator.requests.at(-1)?.file;
		expect(logged?.byteLength).toBe(20_000_000);
		expect(logged?.fileName).toBe('numbers.txt');
		expect(logged?.bytes.equals(file)).toBe(true);
	}, 60_000);
});

describe('t=5150 breakout permissions', () => {
	beforeEach(async () => {
		await createSupplier(emulator, 'C-1', 'S-1');
	});

	it('sets the permissions of a supplier', async () => {
		const response = await uploadFile(
			emulator,
			{ t: '5150', cid: 'C-1', sid: 'S-1' },
			'United Kingdom, Mobile - Vodafone\r\nFrance,Fixed\n\n',
		);

		expect(response.text).toBe(
			'<NDB>\n    <Supplier_Permissions>\n        <Status>Success</Status>\n    </Supplier_Permissions>\n</NDB>\n',
		);
		expect(emulator.state.getPermissions('C-1', 'S-1')).toEqual([
			{ country: 'United Kingdom', breakout: 'Mobile - Vodafone' },
			{ country: 'France', breakout: 'Fixed' },
		]);
	});

	it('replaces the previous list in replace mode', async () => {
		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'France, Fixed\nSpain, Mobile\n');

		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'Spain, Mobile\nItaly, Fixed\nItaly, Fixed\n');

		expect(emulator.state.snapshot().permissions).toEqual([
			{
				cid: 'C-1',
				sid: 'S-1',
				entries: [
					{ country: 'Spain', breakout: 'Mobile' },
					{ country: 'Italy', breakout: 'Fixed' },
				],
			},
		]);
	});

	it('clears the list with an empty file in replace mode', async () => {
		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'France, Fixed\n');

		const response = await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, '');

		expect(response.text).toBe(permissionStatus('Success'));
		expect(emulator.state.getPermissions('C-1', 'S-1')).toEqual([]);
	});

	it('appends new entries in add mode', async () => {
		emulator.setOptions({ permissionMode: 'add' });
		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'France, Fixed\nSpain, Mobile\n');

		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'Spain, Mobile\nItaly, Fixed\n');

		expect(emulator.state.getPermissions('C-1', 'S-1')).toEqual([
			{ country: 'France', breakout: 'Fixed' },
			{ country: 'Spain', breakout: 'Mobile' },
			{ country: 'Italy', breakout: 'Fixed' },
		]);
	});

	it('starts in add mode when the option is given', async () => {
		const addEmulator = await startEmulator({ permissionMode: 'add' });
		try {
			await createCompany(addEmulator, 'C-1');
			await createSupplier(addEmulator, 'C-1', 'S-1');
			await uploadFile(addEmulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'France, Fixed\n');
			await uploadFile(addEmulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'Spain, Mobile\n');

			expect(addEmulator.state.getPermissions('C-1', 'S-1')).toEqual([
				{ country: 'France', breakout: 'Fixed' },
				{ country: 'Spain', breakout: 'Mobile' },
			]);
		} finally {
			await addEmulator.close();
		}
	});

	it('splits a line at its first comma', async () => {
		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'Korea, Republic of, Mobile\n');

		expect(emulator.state.getPermissions('C-1', 'S-1')).toEqual([{ country: 'Korea', breakout: 'Republic of, Mobile' }]);
	});

	it('decodes the file in the text encoding', async () => {
		const file = Buffer.from("Côte d'Ivoire, Mobile - MTN\n", 'latin1');

		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, file);

		expect(emulator.state.getPermissions('C-1', 'S-1')).toEqual([
			{ country: "Côte d'Ivoire", breakout: 'Mobile - MTN' },
		]);
	});

	it.each([
		['France', 'Invalid line 2 of uploadfile: expected COUNTRY, BREAKOUT but got France'],
		[', Mobile', 'Invalid line 2 of uploadfile: expected COUNTRY, BREAKOUT but got , Mobile'],
		['France,', 'Invalid line 2 of uploadfile: expected COUNTRY, BREAKOUT but got France,'],
	])('rejects the line %j and keeps the stored list', async (line, message) => {
		await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, 'Spain, Mobile\n');

		const response = await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, `Italy, Fixed\n${line}\n`);

		expect(response.text).toBe(permissionStatus(message));
		expect(emulator.state.getPermissions('C-1', 'S-1')).toEqual([{ country: 'Spain', breakout: 'Mobile' }]);
	});

	it('rejects an unknown company', async () => {
		const response = await uploadFile(emulator, { t: '5150', cid: 'C-9', sid: 'S-1' }, 'France, Fixed\n');

		expect(response.text).toBe(permissionStatus('Unknown company: C-9'));
	});

	it('rejects an unknown supplier', async () => {
		const response = await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-2' }, 'France, Fixed\n');

		expect(response.text).toBe(permissionStatus('Unknown supplier: S-2 (company C-1)'));
		expect(emulator.state.snapshot().permissions).toEqual([]);
	});

	it('rejects a supplier of another company', async () => {
		await createCompany(emulator, 'C-2');

		const response = await uploadFile(emulator, { t: '5150', cid: 'C-2', sid: 'S-1' }, 'France, Fixed\n');

		expect(response.text).toBe(permissionStatus('Unknown supplier: S-1 (company C-2)'));
	});

	it.each(['cid', 'sid'])('rejects a request without %s', async (field) => {
		const query: Record<string, string> = { t: '5150', cid: 'C-1', sid: 'S-1' };
		delete query[field];

		const response = await uploadFile(emulator, query, 'France, Fixed\n');

		expect(response.text).toBe(permissionStatus(`Missing field: ${field}`));
	});

	it('rejects a request without uploadfile', async () => {
		const response = await uploadFile(emulator, { t: '5150', cid: 'C-1', sid: 'S-1' }, null);

		expect(response.text).toBe(permissionStatus('Missing file: uploadfile'));
	});
});

import { runITest, outputJson, thrownError, useEmulator } from '../../setup';

const emulator = useEmulator();

const base = { resource: 'company', operation: 'upsert', companyId: 'C-17', name: 'Acme Telecom', enabled: true };

describe('company upsert', () => {
	test('creates the company and outputs its status', async () => {
		const result = await runITest(emulator(), base);

		expect(outputJson(result)).toEqual([{ companyId: 'C-17', status: 'Success', success: true }]);
		expect(result.output?.[0][0].pairedItem).toEqual({ item: 0 });
		expect(emulator().state.companies.get('C-17')).toEqual({ cid: 'C-17', name: 'Acme Telecom', enabled: true });
	});

	test('sends documented fields in the query and the login in the body', async () => {
		await runITest(emulator(), { ...base, enabled: false });

		const [request] = emulator().requests;
		expect(request.method).toBe('POST');
		expect(request.rawQuery).toBe('t=4010&cid=C-17&name=Acme%20Telecom&enable=0');
		expect(request.contentType).toBe('application/x-www-form-urlencoded');
		expect(request.body).toEqual({ API_95718: 'reseller', API_84572: 'emulator-secret' });
		expect(emulator().state.companies.get('C-17')?.enabled).toBe(false);
	});

	test('names with separators and accents arrive intact', async () => {
		const names = ['AT&T Wholesale = 1', "Télécom Côte d'Ivoire", 'R&D #7 50% +1', 'Line\nBreak'];
		for (const name of names) {
			await runITest(emulator(), { ...base, name });
			expect(emulator().state.companies.get('C-17')?.name).toBe(name);
		}

		const sent = emulator().requests.map((request) => request.queryBytes.name);
		expect(sent[1]).toEqual(Buffer.from("Télécom Côte d'Ivoire", 'latin1'));
		expect(sent.map((bytes) => bytes.toString('latin1'))).toEqual(names);
		expect(emulator().requests.map((request) => Object.keys(request.query))).toEqual(
			names.map(() => ['t', 'cid', 'name', 'enable']),
		);
	});

	test('UTF-8 credential sends UTF-8 bytes', async () => {
		emulator().setOptions({ textEncoding: 'utf8' });
		try {
			await runITest(emulator(), { ...base, name: 'Télécom 📞' }, { credentials: { textEncoding: 'utf8' } });
		} finally {
			emulator().setOptions({ textEncoding: 'latin1' });
		}

		expect(emulator().requests[0].queryBytes.name).toEqual(Buffer.from('Télécom 📞', 'utf8'));
		expect(emulator().state.companies.get('C-17')?.name).toBe('Télécom 📞');
	});

	test('character outside Latin-1 fails before sending', async () => {
		const error = thrownError(await runITest(emulator(), { ...base, name: 'Acme 📞' }));

		expect(error.message).toBe('Company Name contains "📞" (U+1F4DE) that cannot be written in ISO-8859-1 [item 0]');
		expect(error.description).toBe(
			'Remove or replace the character. If your iTest account stores names in UTF-8, set Text Encoding to UTF-8 in the iTest credential instead.',
		);
		expect(emulator().requests).toHaveLength(0);
	});

	test('empty company ID fails before sending', async () => {
		const error = thrownError(await runITest(emulator(), { ...base, companyId: '  ' }));

		expect(error.message).toBe('Company ID is empty [item 0]');
		expect(emulator().requests).toHaveLength(0);
	});

	test('enabled flag from a sheet is accepted', async () => {
		await runITest(emulator(), { ...base, enabled: '={{ "no" }}' });

		expect(emulator().requests[0].query.enable).toBe('0');
	});

	test('include raw response adds the parsed reply', async () => {
		const result = await runITest(emulator(), { ...base, options: { includeRawResponse: true } });

		expect(outputJson(result)[0].rawResponse).toEqual({ Company: { Adminitration: { Status: 'Success' } } });
	});

	test('ids mapped from items go one request per item', async () => {
		const items = [{ json: { id: 'A-1', title: 'One' } }, { json: { id: 'A-2', title: 'Two' } }];
		const result = await runITest(
			emulator(),
			{ ...base, companyId: '={{ $json.id }}', name: '={{ $json.title }}' },
			{ items },
		);

		expect(outputJson(result)).toEqual([
			{ companyId: 'A-1', status: 'Success', success: true },
			{ companyId: 'A-2', status: 'Success', success: true },
		]);
		expect(result.output?.[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect([...emulator().state.companies.keys()]).toEqual(['A-1', 'A-2']);
	});
});

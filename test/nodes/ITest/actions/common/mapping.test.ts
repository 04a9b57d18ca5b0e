import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { normalizeFieldName } from '../../../../../nodes/ITest/actions/common/mapping';
import { ITest } from '../../../../../nodes/ITest/ITest.node';
import { createCompany, outputJson, runITest, thrownError, useEmulator } from '../../setup';

const emulator = useEmulator();

const AUTOMATIC = { mappingMode: 'autoMapInputData' };
const userUpsert = { resource: 'user', operation: 'upsert', ...AUTOMATIC };

function items(...rows: IDataObject[]) {
	return rows.map((json) => ({ json }));
}

const ada = { companyId: 'C-1', userId: 'U-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };

describe('Map Automatically', () => {
	beforeEach(async () => {
		await createCompany(emulator());
	});

	test('matches field names in any spelling', async () => {
		const row = { 'Company ID': 'C-1', user_id: 4811849, FIRSTNAME: 'Ada', 'last-name': 'Lovelace', Email: 'ada@example.com', Role: 'Admin', enabled: 'no' };
		const result = await runITest(emulator(), userUpsert, { items: items(row) });

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', userId: '4811849', status: 'Success', success: true }]);
		expect(emulator().requests[1].rawQuery).toBe(
			't=4020&cid=C-1&uid=4811849&firstname=Ada&lastname=Lovelace&email=ada%40example.com&role=admin&state=0',
		);
	});

	test('missing optional fields take the defaults', async () => {
		await runITest(emulator(), userUpsert, { items: items(ada) });

		expect(emulator().requests[1].rawQuery).toBe(
			't=4020&cid=C-1&uid=U-1&firstname=Ada&lastname=Lovelace&email=ada%40example.com&role=user&state=1',
		);
		expect(emulator().requests[1].body.pass).toBeUndefined();
	});

	test('empty optional cells take the defaults', async () => {
		const result = await runITest(emulator(), userUpsert, { items: items({ ...ada, role: '', enabled: null, password: '  ' }) });

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', userId: 'U-1', status: 'Success', success: true }]);
		expect(emulator().requests[1].rawQuery).toBe(
			't=4020&cid=C-1&uid=U-1&firstname=Ada&lastname=Lovelace&email=ada%40example.com&role=user&state=1',
		);
		expect(emulator().requests[1].body.pass).toBeUndefined();
	});

	test('choices can be given by their labels', async () => {
		const result = await runITest(emulator(), userUpsert, { items: items({ ...ada, role: ' company administrator ' }) });

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', userId: 'U-1', status: 'Success', success: true }]);
		expect(emulator().state.users.get('U-1')?.role).toBe('admin');
	});

	test('numbers that lost digits are refused', async () => {
		const result = await runITest(emulator(), userUpsert, {
			items: items({ ...ada, companyId: 2 ** 64 }, { ...ada, userId: Number.NaN }, { ...ada, userId: 4811849 }),
			continueOnFail: true,
		});

		expect(outputJson(result).map((json) => json.error ?? json.userId)).toEqual([
			'Invalid value for companyId: the number 18446744073709552000 cannot be sent exactly [item 0]',
			'Invalid value for userId: the number NaN cannot be sent exactly [item 1]',
			'4811849',
		]);
		expect(outputJson(result)[0].errorDescription).toBe(
			'Numbers beyond 9007199254740991 lose their last digits on the way to this node. Store the value as text in the source, such as a text column in the sheet.',
		);
		expect(outputJson(result)[1].errorDescription).toBe(
			'The input holds no usable number here, often the result of a calculation that failed. Check the node that produced the field.',
		);
	});

	test('ignores values left in the node', async () => {
		const parameters = { ...userUpsert, companyId: 'C-404', userId: 'U-404', firstName: 'Grace' };
		const result = await runITest(emulator(), parameters, { items: items(ada) });

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', userId: 'U-1', status: 'Success', success: true }]);
	});

	test('reads other fields of the item untouched', async () => {
		const result = await runITest(emulator(), userUpsert, { items: items({ ...ada, password: 'Pa ss&1', crmStage: 'won' }) });

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', userId: 'U-1', status: 'Success', success: true }]);
		expect(emulator().requests[1].body.pass).toBe('Pa ss&1');
	});

	test('missing required field fails only its item', async () => {
		const withoutUserId: IDataObject = { ...ada };
		delete withoutUserId.userId;
		const result = await runITest(emulator(), userUpsert, {
			items: items(withoutUserId, { ...ada, userId: 'U-2' }),
			continueOnFail: true,
		});

		expect(outputJson(result)).toEqual([
			{
				success: false,
				error: 'The input item has no field for User ID [item 0]',
				errorDescription:
					'With Mapping Mode set to Map Automatically, User ID comes from the input field named userId or "User ID", ignoring case, spaces, dashes and underscores. Rename the input field, add it with an Edit Fields (Set) node, or set Mapping Mode to Map Each Field Below.',
				itemIndex: 0,
			},
			{ companyId: 'C-1', userId: 'U-2', status: 'Success', success: true },
		]);
		expect(emulator().requests.filter((request) => request.query.t === '4020')).toHaveLength(1);
	});

	test('missing required field stops the run', async () => {
		const withoutFirstName: IDataObject = { ...ada };
		delete withoutFirstName.firstName;
		const error = thrownError(await runITest(emulator(), userUpsert, { items: items(withoutFirstName) }));

		expect(error.message).toBe('The input item has no field for First Name [item 0]');
		expect(emulator().requests).toHaveLength(1);
	});

	test('two matching fields fail the item', async () => {
		const result = await runITest(emulator(), userUpsert, {
			items: items({ ...ada, user_id: 'U-9' }, { ...ada, userId: 'U-2' }),
			continueOnFail: true,
		});

		expect(outputJson(result)[0]).toEqual({
			success: false,
			error: '2 input fields match User ID: "userId", "user_id" [item 0]',
			errorDescription:
				'With Mapping Mode set to Map Automatically, User ID comes from the input field named userId or "User ID", ignoring case, spaces, dashes and underscores. Keep only one of these fields, or set Mapping Mode to Map Each Field Below.',
			itemIndex: 0,
		});
		expect(outputJson(result)[1]).toEqual({ companyId: 'C-1', userId: 'U-2', status: 'Success', success: true });
	});

	test('empty or object values get the usual checks', async () => {
		const result = await runITest(emulator(), userUpsert, {
			items: items({ ...ada, userId: '  ' }, { ...ada, companyId: { id: 'C-1' } }, { ...ada, email: 'ada' }),
			continueOnFail: true,
		});

		expect(outputJson(result).map((json) => json.error)).toEqual([
			'User ID is empty [item 0]',
			'Invalid value for companyId: expected text but got an object [item 1]',
			'Invalid Email "ada": it is not an email address [item 2]',
		]);
		expect(emulator().requests).toHaveLength(1);
	});

	test('every item gets its own values in parallel', async () => {
		const rows = Array.from({ length: 24 }, (_unused, index) => ({ ...ada, userId: `U-${index}`, firstName: `Name ${index}` }));
		const result = await runITest(emulator(), { ...userUpsert, options: { requestsInParallel: 8 } }, { items: items(...rows) });

		expect(outputJson(result).map((json) => json.userId)).toEqual(rows.map((row) => row.userId));
		for (const row of rows) expect(emulator().state.users.get(row.userId)?.firstname).toBe(row.firstName);
	});

	test('company upsert reads name and enabled', async () => {
		const result = await runITest(
			emulator(),
			{ resource: 'company', operation: 'upsert', ...AUTOMATIC },
			{ items: items({ companyId: 'C-7', 'Company Name': 'Télécom Réunion', enabled: false }) },
		);

		expect(outputJson(result)).toEqual([{ companyId: 'C-7', status: 'Success', success: true }]);
		expect(emulator().requests[1].rawQuery).toBe('t=4010&cid=C-7&name=T%E9l%E9com%20R%E9union&enable=0');
	});

	test('profile upsert reads numbers given as text', async () => {
		const row = { companyId: 'C-1', profileId: 'P-1', name: 'London SIP', type: 'SMS', gatewayIp: '192.0.2.10', gatewayPort: '5061', maxCallDuration: 90 };
		const result = await runITest(emulator(), { resource: 'profile', operation: 'upsert', ...AUTOMATIC }, { items: items(row) });

		expect(outputJson(result)).toEqual([{ companyId: 'C-1', profileId: 'P-1', status: 'Success', success: true }]);
		expect(emulator().requests[1].rawQuery).toBe(
			't=5010&cid=C-1&pid=P-1&name=London%20SIP&type=sms&ip=192.0.2.10&port=5061&srcn=xxx&call=90&ring=30',
		);
	});

	test('setOtp reads the password from the item', async () => {
		outputJson(await runITest(emulator(), userUpsert, { items: items(ada) }));
		const otp = 'Q'.repeat(32);
		const result = await runITest(
			emulator(),
			{ resource: 'user', operation: 'setOtp', generateOtp: false, ...AUTOMATIC },
			{ items: items({ 'User ID': 'U-1', 'One-Time Password': otp }) },
		);

		expect(outputJson(result)).toEqual([{ userId: 'U-1', otp, otpGenerated: false, status: 'Success', success: true }]);
		expect(emulator().state.otps.get('U-1')).toBe(otp);
	});
});

describe('Mapping Mode in the description', () => {
	const properties = new ITest().description.properties;
	const showsFor = (property: INodeProperties, key: string) => property.displayOptions?.show?.[key];

	test('each per-item operation has it', () => {
		const modes = properties.filter((property) => property.name === 'mappingMode');

		expect(modes.map((property) => `${showsFor(property, 'resource')}/${showsFor(property, 'operation')}`)).toEqual([
			'company/upsert',
			'user/upsert',
			'user/requestOtp',
			'user/setOtp',
			'profile/upsert',
			'supplier/upsert',
		]);
	});

	test('record fields hide under automatic mapping', () => {
		const hidden = properties.filter((property) => showsFor(property, 'mappingMode') !== undefined);

		expect(hidden.every((property) => JSON.stringify(showsFor(property, 'mappingMode')) === '["defineBelow"]')).toBe(true);
		expect(hidden.map((property) => `${showsFor(property, 'operation')}.${property.name}`)).toEqual([
			'upsert.companyId',
			'upsert.name',
			'upsert.enabled',
			'upsert.companyId',
			'upsert.userId',
			'upsert.firstName',
			'upsert.lastName',
			'upsert.email',
			'upsert.role',
			'upsert.enabled',
			'upsert.password',
			'requestOtp.userId',
			'setOtp.userId',
			'setOtp.otp',
			'upsert.companyId',
			'upsert.profileId',
			'upsert.name',
			'upsert.type',
			'upsert.gatewayIp',
			'upsert.gatewayPort',
			'upsert.sourceNumber',
			'upsert.maxCallDuration',
			'upsert.maxRingDuration',
			'upsert.companyId',
			'upsert.supplierId',
			'upsert.name',
			'upsert.type',
			'upsert.codec',
			'upsert.prefix',
			'upsert.email',
		]);
	});
});

describe('normalizeFieldName', () => {
	test.each([
		['companyId', 'companyid'],
		['Company ID', 'companyid'],
		['company_id', 'companyid'],
		['COMPANY-ID', 'companyid'],
		['Max Call Duration (Seconds)', 'maxcalldurationseconds'],
		['Société', 'societe'],
		['Имя ID', 'имяid'],
	])('%s becomes %s', (name, normalized) => {
		expect(normalizeFieldName(name)).toBe(normalized);
	});
});

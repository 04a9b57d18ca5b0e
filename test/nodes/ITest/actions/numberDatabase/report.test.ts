import { listRejected, UploadReport } from '../../../../../nodes/ITest/actions/numberDatabase/report';

describe('UploadReport', () => {
	test('JSON lists the first 100, the CSV all', () => {
		const report = new UploadReport();
		for (let line = 1; line <= 150; line++) report.reject({ itemIndex: 0, line, text: `x${line}`, reason: 'contains letters' });

		expect(report.rejected).toBe(150);
		expect(report.rejectedJson()).toHaveLength(100);
		expect(report.rejectedJson()[99]).toEqual({ itemIndex: 0, line: 100, text: 'x100', reason: 'contains letters' });
		const rows = report.toCsv().toString('utf8').split('\r\n');
		expect(rows).toHaveLength(152);
		expect(rows[0]).toBe('itemIndex,line,text,reason');
		expect(rows[150]).toBe('0,150,x150,contains letters');
		expect(rows[151]).toBe('');
	});

	test('CSV quotes commas, quotes and line breaks', () => {
		const report = new UploadReport();
		report.reject({ itemIndex: 3, text: '"Korea, Republic of", Mobile', reason: 'the country "Korea, Republic of" contains a comma' });

		expect(report.toCsv().toString('utf8')).toBe(
			'itemIndex,line,text,reason\r\n3,,"""Korea, Republic of"", Mobile","the country ""Korea, Republic of"" contains a comma"\r\n',
		);
	});

	test('long text is cut to 200 characters', () => {
		const report = new UploadReport();
		report.reject({ itemIndex: 0, line: 1, text: '9'.repeat(500), reason: 'has 500 digits' });

		expect(report.firstRejected[0].text).toBe(`${'9'.repeat(200)}…`);
	});
});

test('listRejected names the first five and counts the rest', () => {
	const report = new UploadReport();
	for (let line = 1; line <= 7; line++) report.reject({ itemIndex: 1, line, text: `x${line}`, reason: 'contains letters' });
	report.reject({ itemIndex: 4, text: 'abc', reason: 'contains letters' });

	expect(listRejected(report)).toBe(
		'Line 1 of item 1 ("x1"): contains letters. Line 2 of item 1 ("x2"): contains letters. Line 3 of item 1 ("x3"): contains letters. Line 4 of item 1 ("x4"): contains letters. Line 5 of item 1 ("x5"): contains letters. And 3 more.',
	);
	expect(listRejected(report, 10).endsWith('Item 4 ("abc"): contains letters.')).toBe(true);
});

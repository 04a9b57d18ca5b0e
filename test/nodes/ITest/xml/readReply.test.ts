import { readReply, readReplyText } from '../../../../nodes/ITest/xml';
import { sanitizeXml } from '../../../../nodes/ITest/xml/sanitize';

// The reply samples exactly as printed in iTest's Reseller API guide, indentation included.
const GUIDE_SAMPLES = {
	company: '<Company>\n    <Adminitration>\n        <Status>Success</Status>\n        </Adminitration>\n</Company>',
	requestOtp: '<User>\n<04811849>\n<OTP>4vd8swebrffdsc9q3bc02bachasdhb38</OTP>\n</04811849>\n</User>',
	setOtp: '<User>\n    <04811849>\n        <Status>Success</Status>\n    </04811849>\n</User>',
	profile: '<Profile>\n    <1947219>\n        <Status>Success</Status>\n        </1947219>\n        </Profile>',
	supplier: '<Supplier>\n<1947219>\n<Status>Success</Status>\n</1947219>\n</Supplier>',
	numberUpload: '<NDB>\n    <Number_Upload>\n        <Status>Success</Status>\n        </Number_Upload>\n        </NDB>',
	permissions: '<NDB>\n    <Supplier_Permissions>\n        <Status>Success</Status>\n        </Supplier_Permissions>\n    </NDB>',
};

function expectReply(text: string) {
	const result = readReplyText(text);
	if (!result.ok) throw new Error(`expected a reply, got ${result.problem}: ${result.detail}`);
	return result.reply;
}

/** Returns the reply's status, failing the test with the problem when the reply was rejected. */
function statusOf(result: ReturnType<typeof readReply>): string | undefined {
	if (!result.ok) throw new Error(`expected a reply, got ${result.problem}: ${result.detail}`);
	return result.reply.status;
}

describe('readReplyText on the guide samples', () => {
	test('company keeps the Adminitration spelling', () => {
		const reply = expectReply(GUIDE_SAMPLES.company);
		expect(reply.rootName).toBe('Company');
		expect(reply.recordName).toBe('Adminitration');
		expect(reply.status).toBe('Success');
		expect(reply.tree).toEqual({ Company: { Adminitration: { Status: 'Success' } } });
	});

	test('OTP reply keeps the leading zero of the id', () => {
		const reply = expectReply(GUIDE_SAMPLES.requestOtp);
		expect(reply.rootName).toBe('User');
		expect(reply.recordName).toBe('04811849');
		expect(reply.otp).toBe('4vd8swebrffdsc9q3bc02bachasdhb38');
		expect(reply.status).toBeUndefined();
		expect(reply.tree).toEqual({ User: { '04811849': { OTP: '4vd8swebrffdsc9q3bc02bachasdhb38' } } });
	});

	test.each([
		['setOtp', 'User', '04811849'],
		['profile', 'Profile', '1947219'],
		['supplier', 'Supplier', '1947219'],
		['numberUpload', 'NDB', 'Number_Upload'],
		['permissions', 'NDB', 'Supplier_Permissions'],
	] as const)('%s sample reads as Success', (sample, rootName, recordName) => {
		const reply = expectReply(GUIDE_SAMPLES[sample]);
		expect(reply.rootName).toBe(rootName);
		expect(reply.recordName).toBe(recordName);
		expect(reply.status).toBe('Success');
	});
});

describe('readReplyText values', () => {
	test('numeric OTP keeps every digit', () => {
		const otp = '12345678901234567890123456789012';
		const reply = expectReply(`<User><0042><OTP>${otp}</OTP></0042></User>`);
		expect(reply.otp).toBe(otp);
		expect(reply.recordName).toBe('0042');
	});

	test('plus sign and phone-like status stay text', () => {
		const reply = expectReply('<User><+4477><Status>+447700900123</Status></+4477></User>');
		expect(reply.recordName).toBe('+4477');
		expect(reply.status).toBe('+447700900123');
	});

	test.each(['ACME+17', 'a.b@c', 'R&D 7', 'R&amp;D 7', 'Ünïcode-ид', '7 8 9', 'x"y', "it's"])(
		'record named after id %s is read back',
		(id) => {
			const expected = id.replace('&amp;', '&');
			const reply = expectReply(`<User><${id}><Status>Success</Status></${id}></User>`);
			expect(reply.recordName).toBe(expected);
			expect(reply.status).toBe('Success');
		},
	);

	test('bare ampersand in text is kept', () => {
		const reply = expectReply('<User><9><Status>Share at https://x.test/?a=1&b=2</Status></9></User>');
		expect(reply.status).toBe('Share at https://x.test/?a=1&b=2');
	});

	test('character references are decoded', () => {
		const reply = expectReply('<Company><Adminitration><Status>&#169; &#xE9; &lt;ok&gt; &quot;&apos;</Status></Adminitration></Company>');
		expect(reply.status).toBe('© é <ok> "\'');
	});

	test('status directly under the root is found', () => {
		const reply = expectReply('<Error><Status>Unknown request type: 9999</Status></Error>');
		expect(reply.rootName).toBe('Error');
		expect(reply.status).toBe('Unknown request type: 9999');
		expect(reply.recordName).toBeUndefined();
	});

	test('declaration, comments and CDATA are accepted', () => {
		const reply = expectReply(
			'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!-- note --><Company><Adminitration><Status><![CDATA[Success]]></Status></Adminitration></Company>',
		);
		expect(reply.status).toBe('Success');
	});
});

describe('readReplyText rejections', () => {
	test.each([
		['', 'empty', 'the response body is empty'],
		['   \r\n ', 'empty', 'the response body is empty'],
		['<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>', 'html', 'an HTML page titled "502 Bad Gateway"'],
		['<html><body>Maintenance</body></html>', 'html', 'an HTML page'],
		['Service Unavailable', 'notXml', 'text that is not XML: "Service Unavailable"'],
		['{"status":"ok"}', 'notXml', 'text that is not XML: "{"status":"ok"}"'],
		['<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', 'doctype', 'it contains a document type or entity declaration'],
		['<Company><Adminitration><Status>Succ', 'truncated', 'the reply ends before all its elements are closed'],
		['<Company><Adminitration><Status>Success</Status>', 'truncated', 'the reply ends before all its elements are closed'],
		['<Company><Adminitration', 'truncated', 'the last tag never ends'],
		['<Company><!-- cut', 'truncated', 'a comment or CDATA section never ends'],
		['<A><B>1</A>', 'malformed', "Expected closing tag 'B' (opened in line 1, col 4) instead of closing tag 'A'. (line 1)"],
		['<A>1</A><B>2</B>', 'malformed', "Multiple possible root nodes found. (line 1)"],
		[`<A>${'<B/>'.repeat(1000)}</A>`, 'tooComplex', 'it has more than 1000 elements'],
		[`${'<a>'.repeat(33)}${'</a>'.repeat(33)}`, 'tooComplex', 'its elements nest more than 32 levels deep'],
	])('%j is rejected as %s', (text, problem, detail) => {
		expect(readReplyText(text)).toEqual({ ok: false, problem, detail });
	});

	test('deep nesting is rejected without throwing', () => {
		const depth = 5000;
		const text = '<a>'.repeat(depth) + '</a>'.repeat(depth);
		const result = readReplyText(text);
		expect(result.ok).toBe(false);
	});

	test('limits leave room for real replies', () => {
		expect(readReplyText(`<A>${'<B/>'.repeat(999)}</A>`).ok).toBe(true);
		expect(readReplyText(`${'<a>'.repeat(32)}${'</a>'.repeat(32)}`).ok).toBe(true);
	});

	test('__proto__ element cannot pollute objects', () => {
		const result = readReplyText('<__proto__><polluted>yes</polluted></__proto__>');
		expect(result.ok).toBe(true);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		if (result.ok) expect(Object.keys(result.reply.tree)).toEqual(['xml:__proto__']);
	});

	test('nested constructor element is renamed', () => {
		const reply = expectReply('<User><constructor><Status>Success</Status></constructor></User>');
		expect(reply.recordName).toBe('xml:constructor');
		expect(reply.status).toBe('Success');
	});
});

describe('readReply decoding', () => {
	const latin1Body = Buffer.from('<Company><Adminitration><Status>Société fermée</Status></Adminitration></Company>', 'latin1');

	test('Latin-1 body named in the header', () => {
		const result = readReply(latin1Body, 'text/xml; charset=ISO-8859-1');
		expect(statusOf(result)).toBe('Société fermée');
	});

	test('Latin-1 body without any charset', () => {
		const result = readReply(latin1Body, 'text/xml');
		expect(statusOf(result)).toBe('Société fermée');
	});

	test('Latin-1 named in the XML declaration', () => {
		const body = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?>'), latin1Body]);
		const result = readReply(body, undefined);
		expect(statusOf(result)).toBe('Société fermée');
	});

	test('UTF-8 body without any charset', () => {
		const body = Buffer.from('<Company><Adminitration><Status>Société</Status></Adminitration></Company>', 'utf8');
		const result = readReply(body, undefined);
		expect(statusOf(result)).toBe('Société');
	});

	test('UTF-8 byte order mark is skipped', () => {
		const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<NDB><Number_Upload><Status>Success</Status></Number_Upload></NDB>')]);
		const result = readReply(body, 'text/xml; charset=ISO-8859-1');
		expect(statusOf(result)).toBe('Success');
	});
});

describe('sanitizeXml', () => {
	test('same id in open and close tags gets one placeholder', () => {
		const result = sanitizeXml('<User><04811849><Status>Success</Status></04811849></User>');
		expect(result).toEqual({
			ok: true,
			xml: '<User><_itest_name_0><Status>Success</Status></_itest_name_0></User>',
			originalNames: new Map([['_itest_name_0', '04811849']]),
		});
	});

	test('placeholder-like names from the server are replaced too', () => {
		const result = sanitizeXml('<_itest_name_0>x</_itest_name_0>');
		if (!result.ok) throw new Error(`expected a sanitized text, got ${result.problem}`);
		expect(result.xml).toBe('<_itest_name_0>x</_itest_name_0>');
		expect(result.originalNames.get('_itest_name_0')).toBe('_itest_name_0');
	});
});

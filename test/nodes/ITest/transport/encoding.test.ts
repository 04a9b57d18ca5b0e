import {
	encodeFormFields,
	findEncodingProblem,
	percentEncodeBytes,
} from '../../../../nodes/ITest/transport/encoding';

describe('encodeFormFields', () => {
	test('Latin-1 accents become single bytes', () => {
		expect(encodeFormFields([['name', "Télécom Côte d'Ivoire"]], 'latin1')).toBe(
			'name=T%E9l%E9com%20C%F4te%20d%27Ivoire',
		);
	});

	test('UTF-8 accents become two bytes', () => {
		expect(encodeFormFields([['name', 'Télécom']], 'utf8')).toBe('name=T%C3%A9l%C3%A9com');
	});

	test('separators stay data', () => {
		expect(encodeFormFields([['name', 'AT&T Wholesale = 1 #2 +3 50%']], 'latin1')).toBe(
			'name=AT%26T%20Wholesale%20%3D%201%20%232%20%2B3%2050%25',
		);
	});

	test('line breaks and NUL are percent-encoded', () => {
		expect(encodeFormFields([['a', 'x\r\ny\u0000z']], 'latin1')).toBe('a=x%0D%0Ay%00z');
	});

	test('fields keep their order', () => {
		expect(
			encodeFormFields(
				[
					['t', '4010'],
					['cid', 'C 1'],
					['enable', '1'],
				],
				'latin1',
			),
		).toBe('t=4010&cid=C%201&enable=1');
	});

	test('unreserved characters stay as they are', () => {
		expect(percentEncodeBytes(Buffer.from('AZaz09-._~'))).toBe('AZaz09-._~');
	});
});

describe('findEncodingProblem', () => {
	test('Latin-1 accepts every character up to U+00FF', () => {
		expect(findEncodingProblem('Curaçao Réunion ÿ', 'latin1')).toBeUndefined();
	});

	test('Latin-1 rejects the euro sign', () => {
		expect(findEncodingProblem('Price 5€', 'latin1')).toEqual({
			character: '€',
			codePoint: 'U+20AC',
			reason: 'cannot be written in ISO-8859-1',
		});
	});

	test('Latin-1 rejects emoji by code point', () => {
		expect(findEncodingProblem('Hi 📞', 'latin1')).toEqual({
			character: '📞',
			codePoint: 'U+1F4DE',
			reason: 'cannot be written in ISO-8859-1',
		});
	});

	test('UTF-8 accepts emoji', () => {
		expect(findEncodingProblem('Hi 📞', 'utf8')).toBeUndefined();
	});

	test('lone surrogate is rejected in both encodings', () => {
		for (const encoding of ['latin1', 'utf8'] as const) {
			expect(findEncodingProblem('a\ud83d', encoding)).toEqual({
				character: '\ud83d',
				codePoint: 'U+D83D',
				reason: 'is half of a broken character pair',
			});
		}
	});
});

import { redact } from '../../../../nodes/ITest/transport/errors';

describe('redact', () => {
	test('masks the secret as sent', () => {
		expect(redact('Bad login Pa&ss-S3cret here', ['Pa&ss-S3cret'])).toBe('Bad login *** here');
	});

	test('masks the HTML-escaped form', () => {
		expect(redact('<b>Pa&amp;ss-S3cret</b>', ['Pa&ss-S3cret'])).toBe('<b>***</b>');
	});

	test('masks the percent-encoded form', () => {
		expect(redact('API_84572=Pa%26ss-S3cret', ['Pa&ss-S3cret'])).toBe('API_84572=***');
	});

	test('leaves secrets under four characters alone', () => {
		expect(redact('create or update user', ['e'])).toBe('create or update user');
	});
});

/** iTest's values for what a profile or supplier tests, with the labels the node shows. */
export const TEST_TYPES: Array<[string, string]> = [
	['std', 'Voice'],
	['sms', 'SMS'],
];

// @ts-check
// Refuses to publish while package.json still carries the placeholder author, homepage or
// repository. They sit on the reserved `.invalid` domain until whoever publishes sets their own,
// because n8n's registry shows them to users and provenance ties the package to the repository.
import fs from 'node:fs';

const manifest = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const fields = {
	author: JSON.stringify(manifest.author ?? ''),
	homepage: String(manifest.homepage ?? ''),
	repository: JSON.stringify(manifest.repository ?? ''),
};

const placeholders = Object.entries(fields).filter(([, value]) => value === '""' || /\.invalid\b|UNSET-/i.test(value));
if (placeholders.length > 0) {
	process.stderr.write(
		`Publishing refused: package.json still has placeholder values in ${placeholders.map(([name]) => name).join(', ')}.\n` +
			'Set your own author, homepage and GitHub repository URL, then release again.\n',
	);
	process.exit(1);
}
process.stdout.write('Publish metadata is set.\n');

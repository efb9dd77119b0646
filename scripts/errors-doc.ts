// Writes docs/errors.md from the error-code catalogue: `npx node scripts/errors-doc.ts`.
import { writeFileSync } from 'node:fs';
import { ERRORS } from '../packages/contracts/src/index.ts';

const rows = Object.entries(ERRORS).map(
  ([code, e]) => `| \`${code}\` | ${e.status} | ${e.retryable ? 'yes' : 'no'} | ${e.en} | ${e.ru} |`,
);
writeFileSync(
  new URL('../docs/errors.md', import.meta.url),
  `# Error codes

Every error Careloop answers has this body, with a code from the table below:

\`\`\`json
{ "error": { "code": "CONSENT_MISSING", "message": "…", "retryable": false, "requestId": "…", "details": [{ "field": "…", "issue": "…" }] } }
\`\`\`

\`message\` and \`details\` never carry personal data. \`requestId\` matches the \`x-request-id\` header and the server log.
The dashboard shows the Russian or English text by code. This file is generated from
\`packages/contracts/src/errors.ts\` by \`npx node scripts/errors-doc.ts\`; a test keeps the two in step.

| code | HTTP status | retry can help | meaning | по-русски |
|---|---|---|---|---|
${rows.join('\n')}
`,
);

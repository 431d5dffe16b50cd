// ajv (JSON Schema validation), built as a separate vendor bundle (see shared/util/vendor.ts):
// the bundled rules are validated at build time, so a cold start never loads it unless a
// rule file of the user's, an override or a dispatch configuration needs checking.
import Ajv from 'ajv';

export { Ajv };

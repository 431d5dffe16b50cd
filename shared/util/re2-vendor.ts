// re2js (linear-time regular expressions), built as a separate vendor bundle (see
// shared/util/vendor.ts): a cold start whose rules test no regular expression (the
// bundled ones are compiled at their first test) neither loads nor parses it.
export { RE2JS } from 're2js';

// nodemailer, built as a vendor bundle (shared/util/vendor.ts): only dispatchers that mail load it.
import * as nodemailer from 'nodemailer';

export { nodemailer };

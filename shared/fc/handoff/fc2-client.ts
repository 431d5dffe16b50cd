// FC 2.0 client (@alicloud/fc2), built as a separate vendor bundle; see invoker.ts.
import FCClient from '@alicloud/fc2';

export { FCClient };

// The SLS SDK's request signing gateway, built as a separate vendor bundle (see shared/util/vendor.ts).
import SlsGateway from '@alicloud/gateway-sls';

export { SlsGateway };

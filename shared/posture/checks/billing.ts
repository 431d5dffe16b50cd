import { DailyBillItem } from '../apis';
import { CheckContext, PostureCheck, postureEvent } from '../check';

const DAY_MS = 86_400_000;
/** Days of the trailing average the last complete day is compared with. */
export const BILLING_BASELINE_DAYS = 7;
/** Products named in the event, the most grown first. */
const PRODUCTS_SHOWN = 5;

/** Alibaba Cloud dates its bills in China Standard Time (UTC+8): a scan at 01:00 UTC reads yesterday there. */
const BILLING_UTC_OFFSET_MS = 8 * 3_600_000;
const dayOf = (t: number) => new Date(t + BILLING_UTC_OFFSET_MS).toISOString().slice(0, 10);
const round2 = (x: number) => Math.round(x * 100) / 100;

/** One day's bill per product code, every page read. */
async function spendOn(ctx: CheckContext, date: string): Promise<{ byProduct: Map<string, DailyBillItem>; currency: string }> {
  const byProduct = new Map<string, DailyBillItem>();
  let currency = '';
  for (let page = 1, seen = 0; ; page++) {
    const p = await ctx.caller.call('BssOpenApi.QueryAccountBill', 'bssapi:QueryAccountBill', () => ctx.apis.bss.dailyBill(date, page));
    for (const item of p.items) {
      const had = byProduct.get(item.productCode);
      byProduct.set(item.productCode, had ? { ...had, amount: had.amount + item.amount } : { ...item });
      currency ||= item.currency;
    }
    seen += p.items.length;
    if (p.items.length === 0 || seen >= p.total) return { byProduct, currency };
  }
}

/**
 * The account's spend on its last complete day (the day before the scan) against the
 * average of the seven days before it, in total and per product: one event a day, for
 * the rule that calls a spike (a crypto miner on stolen keys, a leaked key starting
 * instances, a runaway job) and names the products that grew.
 */
export const billing: PostureCheck = {
  id: 'billing',
  async run(ctx) {
    const days = Array.from({ length: BILLING_BASELINE_DAYS + 1 }, (_, i) => dayOf(ctx.now - (i + 1) * DAY_MS));
    const bills = await Promise.all(days.map((d) => spendOn(ctx, d)));
    const [last, ...before] = bills;
    const codes = new Set(bills.flatMap((b) => [...b.byProduct.keys()]));
    const products = [...codes].map((code) => {
      const spend = last.byProduct.get(code)?.amount ?? 0;
      const baseline = before.reduce((s, b) => s + (b.byProduct.get(code)?.amount ?? 0), 0) / before.length;
      const name = bills.map((b) => b.byProduct.get(code)?.productName).find((n) => n) ?? code;
      return { code, name, spend: round2(spend), baseline: round2(baseline), increase: round2(spend - baseline) };
    });
    products.sort((a, b) => b.increase - a.increase);
    const spend = products.reduce((s, p) => s + p.spend, 0);
    const baseline = products.reduce((s, p) => s + p.baseline, 0);
    return [
      postureEvent(this.id, ctx, { type: 'account', id: ctx.accountId }, {
        billing: {
          date: days[0],
          currency: bills.map((b) => b.currency).find((c) => c) ?? '',
          spend: round2(spend),
          baseline: round2(baseline),
          increase: round2(spend - baseline),
          // No ratio to a baseline of nothing (a new account, a first paid product): the increase alone decides.
          ...(baseline > 0 ? { ratio: round2(spend / baseline) } : {}),
          baseline_days: BILLING_BASELINE_DAYS,
          products: products.slice(0, PRODUCTS_SHOWN),
        },
      }),
    ];
  },
};

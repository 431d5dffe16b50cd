/**
 * Remembers what a regex test answered for short values. Fields such as `errorCode`
 * take a handful of values over millions of events, and RE2's linear-time matcher
 * costs microseconds a call where a Map lookup costs nanoseconds. Bounded: values
 * longer than MAX_LENGTH are not remembered, and the memo starts over when it holds
 * MAX_ENTRIES, so attacker-chosen values cannot grow it.
 */
export class RegexMemo {
  static readonly MAX_LENGTH = 128;
  static readonly MAX_ENTRIES = 1024;
  private readonly answers = new Map<string, boolean>();

  constructor(private readonly test: (s: string) => boolean) {}

  matches(s: string): boolean {
    if (s.length > RegexMemo.MAX_LENGTH) return this.test(s);
    let answer = this.answers.get(s);
    if (answer === undefined) {
      answer = this.test(s);
      if (this.answers.size >= RegexMemo.MAX_ENTRIES) this.answers.clear();
      this.answers.set(s, answer);
    }
    return answer;
  }

  /** Values remembered (for tests). */
  get size(): number {
    return this.answers.size;
  }
}

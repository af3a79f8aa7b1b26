// Numbers as Java prints them, because ksqlDB's output (CAST(x AS STRING), DELIMITED values, the
// REST API's JSON and the shell) comes from Java's Double.toString: "1.0" rather than "1", and
// "1.0E7" rather than "10000000" from 10^7 up (and below 10^-3).

export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  const sign = d < 0 ? '-' : '';
  // Shortest digits that round-trip, as both Java (JDK 19+) and JavaScript produce them.
  const [mantissa, expText] = abs.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      return `${sign}${whole}.${frac === '' ? '0' : frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === '' ? '0' : frac}E${exp}`;
}

/** A double as a JSON number the way Jackson writes it (always with a fraction or exponent). */
export function javaDoubleToJson(d: number): string {
  if (!Number.isFinite(d)) return JSON.stringify(javaDoubleToString(d)); // Jackson writes "NaN" etc. as strings when quoting non-numerics
  return javaDoubleToString(d);
}

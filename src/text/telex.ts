/**
 * Repairs leftovers of the Telex input method in folded tokens: a tone key typed after the syllable
 * ("kichs" → "kich", "hoatj" → "hoat"), doubled vowels for circumflex ("tooi" → "toi"), "dd" for đ and
 * "w" for horn/breve ("tuw" → "tu"), and a last letter typed twice ("khongg" → "khong"). Only applied when the token is not already a plausible syllable.
 */

const ONSET = '(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?';
const NUCLEI =
  'a|e|i|o|u|y|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|ua|ue|ui|uo|uu|uy|ye|ieu|yeu|oai|oay|oao|oeo|uai|uay|uoi|uou|uya|uye|uyu|uoi';
const VALID_SYLLABLE = new RegExp(`^${ONSET}(${NUCLEI})(ng|nh|ch|c|m|n|p|t)?$`);
/** "oo" only occurs before ng/c (boong, xoong, moóc). */
const DOUBLE_O = /^(b|x|m|s|c|g|h|l|n|t)?oo(ng|c)$/;

export function isPlausibleSyllable(token: string): boolean {
  return VALID_SYLLABLE.test(token) || DOUBLE_O.test(token);
}

export function repairTelex(token: string): string {
  if (token.length < 3 || /\d/.test(token) || isPlausibleSyllable(token)) return token;
  // A key held or pressed twice at the end ("khongg", "thoaii"): no Vietnamese syllable ends in a doubled letter.
  const undoubled = token.replace(/([a-z])\1+$/, '$1');
  if (undoubled !== token && isPlausibleSyllable(undoubled)) return undoubled;
  let t = token;
  if (t.startsWith('dd')) t = t.slice(1);
  t = t.replace(/([aeo])\1/g, '$1').replace(/([aeiouy])w/g, '$1').replace(/^w/, 'u');
  if (!isPlausibleSyllable(t) && /[sfrxj]$/.test(t)) {
    const stripped = t.slice(0, -1);
    if (isPlausibleSyllable(stripped)) t = stripped;
  }
  // A tone key typed in the middle: "hoatj" handled above, "kihc" is a plain typo and left alone.
  if (!isPlausibleSyllable(t)) {
    const inner = t.replace(/([aeiouy])[sfrxj](?=[a-z])/g, '$1');
    if (isPlausibleSyllable(inner)) t = inner;
  }
  return isPlausibleSyllable(t) ? t : token;
}

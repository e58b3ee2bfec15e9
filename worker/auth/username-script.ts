// New usernames are written in one script, as in UTS #39 §5.2's "Highly Restrictive" level: every
// letter shares one script (by Script_Extensions), apart from characters common to all scripts (digits,
// punctuation, symbols, emoji) and inherited ones (combining marks); Latin may be combined with Han and
// Hiragana and Katakana (Japanese), Han and Bopomofo (Chinese), or Han and Hangul (Korean). So a
// Cyrillic "а" or a Greek "ο" cannot stand in for a Latin "a" or "o" inside a Latin name.
//
// Applied at sign-up only: names registered before the rule keep logging in (log-in goes by the
// canonical form alone, auth/username.ts). The script data is the runtime's own: regular expressions
// with \p{Script_Extensions=…}, so there is no table to ship or keep up to date, only script names.

/** Characters whose Script_Extensions is exactly Common or Inherited: they go with any script. */
const ANY_SCRIPT = /[\p{scx=Zyyy}\p{scx=Zinh}]/gu;

/** The mixtures the Highly Restrictive level allows (each also covers its scripts alone). */
const ALLOWED_MIXTURES = [
  /^[\p{scx=Latn}\p{scx=Hani}\p{scx=Hira}\p{scx=Kana}]*$/u,
  /^[\p{scx=Latn}\p{scx=Hani}\p{scx=Bopo}]*$/u,
  /^[\p{scx=Latn}\p{scx=Hani}\p{scx=Hang}]*$/u,
];

// Every other script (ISO 15924 codes), the most used first so that a name is usually placed early.
// Three are newer than some runtimes (Unicode 17); a name the runtime does not know is skipped, and
// its letters are then unassigned there, which username.ts refuses anyway.
const SCRIPTS = `Cyrl Grek Arab Hebr Deva Thai Armn Geor Beng Taml Telu Knda Mlym Gujr Guru Orya Sinh Khmr
  Laoo Mymr Ethi Tibt Thaa Syrc Mong Cher Cans Tfng Nkoo Vaii Yiii Adlm Olck Java Bali Sund Copt Glag
  Runr Ogam Goth Ahom Hluw Avst Bamu Bass Batk Berf Bhks Brah Brai Bugi Buhd Cari Aghb Cakm Cham Chrs
  Xsux Cprt Cpmn Dsrt Diak Dogr Dupl Egyp Elba Elym Gara Gran Gong Gukh Rohg Hano Hatr Armi Phli Prti
  Kthi Kawi Kali Khar Kits Khoj Sind Krai Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc
  Gonm Medf Mtei Mend Merc Mero Miao Modi Mroo Mult Nbat Nagm Nand Talu Newa Nshu Hmnp Onao Hung Ital
  Narb Perm Xpeo Sogo Sarb Orkh Ougr Osge Osma Hmng Palm Pauc Phag Phnx Phlp Rjng Samr Saur Shrd Shaw
  Sidd Sidt Sgnw Sogd Sora Soyo Sunu Sylo Tglg Tagb Tale Lana Tavt Tayo Takr Tnsa Tang Todr Tols Toto
  Tutg Ugar Vith Wcho Wara Yezi Zanb Jurchen Proto_Cuneiform Seal`.split(/\s+/);

const onlyScript = new Map<string, RegExp | null>();

/** /^\p{scx=code}*$/u, built on first use (once per isolate); null when the runtime lacks the script. */
function onlyScriptPattern(code: string): RegExp | null {
  let pattern = onlyScript.get(code);
  if (pattern === undefined) {
    try {
      pattern = new RegExp(`^\\p{scx=${code}}*$`, 'u');
    } catch {
      pattern = null;
    }
    onlyScript.set(code, pattern);
  }
  return pattern;
}

/** Why a new username mixes scripts; null when it does not. `name` is its canonical form. */
export function mixedScriptProblem(name: string): string | null {
  const letters = name.replace(ANY_SCRIPT, '');
  if (ALLOWED_MIXTURES.some((mixture) => mixture.test(letters))) return null;
  if (SCRIPTS.some((code) => onlyScriptPattern(code)?.test(letters))) return null;
  return 'The username mixes writing systems (for example Latin and Cyrillic letters); write it in one (Latin may go with Chinese, Japanese or Korean).';
}

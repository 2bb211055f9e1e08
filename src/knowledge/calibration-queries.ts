/**
 * Makes calibration questions look like what citizens really send. A sample question left out of the index
 * still has near-identical siblings, and it has none of the noise of a real message, so scores measured on it
 * are too optimistic. Here a question gets a generic preamble (a greeting, an age, a "someone asked me" line)
 * or loses a word, deterministically, before it is asked.
 */

const PREAMBLES = [
  'Chào bạn, cho mình hỏi chút.',
  'Tôi năm nay ngoài 60 tuổi, không rành điện thoại lắm.',
  'Chị ơi, có bác ở thôn nhờ em hỏi giúp:',
  'Mấy hôm nay loay hoay mãi mà chưa làm xong, con cái lại đi làm xa.',
  'e chào ad ạ, e hỏi tí',
  'Người dân hỏi:',
  'Nhà tôi ở xa trung tâm, đi lại vất vả nên muốn hỏi trước cho chắc.',
  'hôm qua ra xã thì cán bộ bảo về hỏi thêm,',
];

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function perturbQuestion(question: string): string {
  const h = hash(question);
  const mode = h % 4;
  if (mode === 0) return `${PREAMBLES[(h >>> 3) % PREAMBLES.length]} ${question}`;
  if (mode === 1) {
    const words = question.split(/\s+/);
    if (words.length > 5) words.splice((h >>> 5) % words.length, 1);
    return words.join(' ');
  }
  return question;
}

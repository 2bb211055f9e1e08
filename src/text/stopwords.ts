/**
 * Folded function words, pronouns, politeness particles and question words. They tell nothing about which
 * procedure a citizen means, so matching down-weights them and the uncovered check ignores them.
 */
const WORDS = `
a ah anh ba bac ban bay bi biet bom cac cai can cau chau chi chiu cho co cua cung da day de den deu
di do duoc em gi gio giup ha hay hoi hom hon khi khong kia la lam len luc ma minh mot mu muon nao
nay neu nghe nha nhe nhi nhieu nho nhu nhung no nua o oi on ong phai qua ra rang rat roi sao se sau
ta tha thang thi thoi toi tot tren uh va vao vay ve vi voi vua xin xem xong yeu admin alo ok bao
ak hic huhu he hi ke
`;

export const STOPWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

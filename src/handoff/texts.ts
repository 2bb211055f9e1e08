/** What citizens and commune staff read during a handoff (Vietnamese). */
import { HOTLINES } from '../knowledge/compose.js';

export const PROVINCE_POOL_LABEL = 'tổ hỗ trợ chung của tỉnh';

export const STAFF_HELP =
  'Các lệnh dành cho cán bộ:\n' +
  '• "Hỏi giúp: <câu hỏi của người dân>" – trợ lý soạn sẵn câu trả lời để bạn sao chép gửi người dân\n' +
  '• "phiếu" – xem các phiếu hỗ trợ đang chờ\n' +
  '• "đóng" – đóng phiếu đang trả lời\n' +
  '• "lưu gợi ý" – lưu câu trả lời vừa gửi làm gợi ý bổ sung hướng dẫn';

export const CITIZEN = {
  unsupportedChannel:
    'Kênh trò chuyện này chưa chuyển được câu hỏi tới cán bộ. Bạn nhắn cho trợ lý qua Zalo OA hoặc Fanpage Messenger, ' +
    `hoặc liên hệ Trung tâm Phục vụ hành chính công xã/phường. ${HOTLINES}`,
  noStaff:
    'Hiện chưa có cán bộ nào trực trên kênh nhắn tin này. Bạn liên hệ Trung tâm Phục vụ hành chính công xã/phường, ' +
    `hoặc: ${HOTLINES}`,
  opened: (id: number, who: string) =>
    `Tôi đã chuyển cho ${who} (phiếu #${id}). Cán bộ sẽ trả lời ngay trong cuộc trò chuyện này, thường trong giờ hành chính. ` +
    'Bạn cứ nhắn thêm nội dung cần hỏi, tin nhắn sẽ được chuyển cho cán bộ. Gõ "kết thúc" khi không cần nữa.\n\n' +
    'Lưu ý: đừng gửi mật khẩu, mã OTP hay ảnh giấy tờ tùy thân qua tin nhắn.',
  alreadyOpen: (id: number) =>
    `Bạn đang có phiếu #${id} chờ cán bộ trả lời. Bạn cứ nhắn nội dung cần hỏi, tin nhắn sẽ được chuyển cho cán bộ. Gõ "kết thúc" để dừng.`,
  queued: 'Đã ghi lại tin nhắn của bạn. Cán bộ sẽ đọc khi nhận phiếu và trả lời tại đây.',
  relayFailed: `Chưa chuyển được tin nhắn tới cán bộ. Bạn thử lại sau ít phút, hoặc liên hệ: ${HOTLINES}`,
  claimed: (who: string) => `Cán bộ ${who} đã nhận câu hỏi của bạn và sẽ trả lời tại đây.`,
  staffReply: (who: string, text: string) => `💬 Cán bộ ${who} trả lời:\n\n${text}`,
  closedByStaff: 'Cán bộ đã kết thúc cuộc trò chuyện. Cảm ơn bạn! Từ giờ trợ lý tự động trả lời tiếp; gõ "menu" để xem các chủ đề.',
  closedByCitizen: 'Đã kết thúc trò chuyện với cán bộ. Trợ lý tự động trả lời tiếp; gõ "menu" để xem các chủ đề.',
  closeButton: 'Kết thúc',
  handoffButton: 'Gặp cán bộ',
};

export const STAFF = {
  newTicket: (id: number, where: string, channel: string, question: string | null) =>
    `🔔 Phiếu #${id}: người dân ${where} (qua ${channel}) cần gặp cán bộ.\n` +
    `Nội dung: ${question ? `"${question}"` : '(chưa có, người dân sẽ nhắn thêm)'}\n\n` +
    `Bấm "Nhận phiếu #${id}" để trả lời. Sau khi nhận, tin bạn nhắn ở đây sẽ được chuyển cho người dân.`,
  claimButton: (id: number) => `Nhận phiếu #${id}`,
  closeButton: (id: number) => `Đóng phiếu #${id}`,
  saveButton: 'Lưu làm gợi ý',
  claimed: (id: number, history: string[]) =>
    `Bạn đã nhận phiếu #${id}.` +
    (history.length ? `\nNgười dân đã nhắn:\n${history.map((h) => `– ${h}`).join('\n')}` : '\nNgười dân chưa nhắn thêm nội dung.') +
    '\n\nTừ giờ tin bạn nhắn ở đây sẽ được chuyển nguyên văn cho người dân (trừ các lệnh "Hỏi giúp: …", "phiếu", "đóng", "lưu gợi ý"). ' +
    'Gõ "đóng" khi xong.',
  taken: (id: number) => `Phiếu #${id} đã có cán bộ khác nhận.`,
  closedAlready: (id: number) => `Phiếu #${id} đã đóng.`,
  missing: 'Không tìm thấy phiếu này.',
  notAllowed: (id: number) => `Phiếu #${id} thuộc xã/phường khác, bạn không nhận được.`,
  delivered: 'Đã chuyển cho người dân.',
  deliveredHumanAgent:
    'Đã chuyển cho người dân. (Người dân nhắn lần cuối đã quá 24 giờ nên tin được gửi theo diện cán bộ trả lời; ' +
    'Messenger chỉ cho phép trong 7 ngày kể từ tin nhắn cuối của người dân.)',
  windowClosed: (platform: string) =>
    `Không gửi được: người dân đã quá 7 ngày không nhắn tin, ${platform} không cho phép gửi tiếp. ` +
    'Nội dung đã được lưu trong phiếu; nếu cần, bạn liên hệ người dân qua kênh khác.',
  channelClosed: 'Không gửi được: người dân trò chuyện trên trang web, kênh này không nhận được tin nhắn gửi sau.',
  deliveryFailed: 'Chưa gửi được cho người dân do lỗi của nền tảng nhắn tin. Bạn thử gửi lại sau ít phút.',
  citizenSays: (id: number, text: string) => `💬 Người dân (phiếu #${id}):\n${text}`,
  citizenClosed: (id: number) => `Người dân đã kết thúc phiếu #${id}. Cảm ơn bạn!`,
  youClosed: (id: number) => `Đã đóng phiếu #${id}. Cảm ơn bạn!`,
  noCurrentTicket: 'Bạn chưa nhận phiếu nào. Gõ "phiếu" để xem các phiếu đang chờ.',
  openTickets: (lines: string[]) => `Các phiếu đang chờ:\n${lines.join('\n')}`,
  noOpenTickets: 'Không có phiếu nào đang chờ. Khi người dân cần gặp cán bộ, bạn sẽ nhận được thông báo tại đây.',
  suggestionSaved:
    'Đã lưu câu trả lời của bạn làm gợi ý bổ sung hướng dẫn. Quản trị viên sẽ xem câu hỏi này trong hàng chờ phân loại.',
  nothingToSave: 'Phiếu này chưa có câu trả lời nào của bạn để lưu.',
  registered: (where: string) =>
    `Đã đăng ký bạn là cán bộ ${where} trên kênh này. Khi người dân cần gặp cán bộ, bạn sẽ nhận thông báo tại đây.\n\n${STAFF_HELP}`,
  joinExpired: 'Mã cán bộ này đã hết hạn. Bạn xin quản trị viên cấp mã mới.',
  joinUsed: 'Mã cán bộ này đã được dùng. Mỗi mã chỉ dùng một lần; bạn xin quản trị viên cấp mã mới.',
  joinUnknown: 'Mã cán bộ không đúng. Bạn kiểm tra lại (8 chữ cái, ví dụ "mã cán bộ KXMP-QRTA").',
  joinTooMany: 'Bạn đã nhập sai mã nhiều lần. Vui lòng thử lại sau một giờ.',
  forwardedHeader: 'Trả lời để gửi người dân:',
  forwardedUncovered:
    'Trợ lý chưa có hướng dẫn cho câu hỏi này. Câu hỏi đã được ghi lại để bổ sung. Trong lúc chờ, bạn có thể hướng dẫn ' +
    `người dân liên hệ: ${HOTLINES}`,
  forwardedEmpty: 'Bạn gõ câu hỏi sau "Hỏi giúp:", ví dụ: "Hỏi giúp: cách đăng ký tạm trú online".',
};

export function platformLabel(channel: string): string {
  return channel === 'zalo' ? 'Zalo' : channel === 'messenger' ? 'Messenger' : channel === 'webchat' ? 'trang web' : channel;
}

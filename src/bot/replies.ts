/** Everything the bot says that does not come from the knowledge base (Vietnamese, shown to citizens). */
import { HOTLINES } from '../knowledge/compose.js';

export const WELCOME =
  'Chào bạn! Tôi là trợ lý tự động hướng dẫn dùng VNeID, dịch vụ công trực tuyến và thanh toán điện tử. ' +
  'Bạn cứ gõ câu hỏi bằng lời của mình (có dấu hoặc không dấu đều được), hoặc chọn một chủ đề dưới đây.\n\n' +
  'Lưu ý: đừng gửi số CCCD, mật khẩu hay mã OTP qua tin nhắn.';

export const MAIN_MENU_HINT = 'Gõ "menu" bất cứ lúc nào để xem lại các chủ đề.';

export const NON_TEXT =
  'Xin lỗi bạn, hiện tôi mới chỉ đọc được tin nhắn chữ, chưa xem được hình ảnh, nhãn dán, tệp hay vị trí. ' +
  'Bạn vui lòng gõ câu hỏi bằng chữ nhé. Vì an toàn, bạn đừng gửi ảnh giấy tờ tùy thân qua tin nhắn.';

export const THANKS_UP = 'Cảm ơn bạn đã đánh giá! Bạn cần hỏi thêm gì cứ nhắn cho tôi nhé.';

export const THANKS_DOWN =
  'Cảm ơn bạn đã góp ý. Câu trả lời này sẽ được chuyển cho cán bộ xem lại để bổ sung hướng dẫn. ' +
  `Bạn có thể gõ lại câu hỏi chi tiết hơn, hoặc liên hệ: ${HOTLINES}`;

export const TOPIC_GONE =
  'Xin lỗi bạn, hướng dẫn này vừa được cập nhật nên nút bấm cũ không còn dùng được. Bạn chọn lại chủ đề dưới đây nhé.';

export const TURN_FAILED =
  'Xin lỗi bạn, trợ lý đang gặp sự cố nên chưa trả lời được. Bạn vui lòng thử lại sau ít phút. ' + HOTLINES;

export const VOTE_UP_TITLE = '👍 Hữu ích';
export const VOTE_DOWN_TITLE = '👎 Chưa đúng';

export const STALE_BUTTON = 'Nút bạn vừa bấm thuộc một bước đã kết thúc. Bạn chọn lại dưới đây nhé.';

export const RESTART_NOTHING = 'Mình bắt đầu lại nhé.';

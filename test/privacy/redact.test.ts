import { describe, expect, it } from 'vitest';
import { redactPii, containsPii } from '../../src/privacy/redact.js';

/** [citizen message, expected stored text]. Each row is a real shape seen in chat messages. */
const REDACTED: Array<[string, string]> = [
  // 12-digit personal ID (CCCD / số định danh cá nhân)
  ['số CCCD 001099012345 của em bị sai', 'số CCCD [số định danh] của em bị sai'],
  ['cccd: 079203004567', 'cccd: [số định danh]'],
  ['số định danh cá nhân 0010 9901 2345 kích hoạt không được', 'số định danh cá nhân [số định danh] kích hoạt không được'],
  ['em có căn cước 001.099.012.345 mà app báo lỗi', 'em có căn cước [số định danh] mà app báo lỗi'],
  ['mã định danh của con tôi là 001 223 004 567', 'mã định danh của con tôi là [số định danh]'],
  ['036185001234 là số cccd của mẹ em', '[số định danh] là số cccd của mẹ em'],
  // 9-digit old ID (CMND)
  ['CMND cũ 125 123 456 có dùng được không', 'CMND cũ [số CMND] có dùng được không'],
  ['chứng minh nhân dân số 025123456', 'chứng minh nhân dân số [số CMND]'],
  ['số cmt 381.234.567 hết hạn', 'số cmt [số CMND] hết hạn'],
  // phone numbers
  ['sđt 0912345678 không nhận được OTP', 'sđt [số điện thoại] không nhận được OTP'],
  ['số điện thoại 0912 345 678 đổi rồi', 'số điện thoại [số điện thoại] đổi rồi'],
  ['gọi cho em 0912.345.678 nhé', 'gọi cho em [số điện thoại] nhé'],
  ['đổi sang số +84 912 345 678 được không', 'đổi sang số [số điện thoại] được không'],
  ['sdt +84912345678', 'sdt [số điện thoại]'],
  ['(+84) 983-456-789 là số mới', '[số điện thoại] là số mới'],
  ['số 84983456789 không nhận otp', 'số [số điện thoại] không nhận otp'],
  ['máy bàn 024 3825 1234 gọi không được', 'máy bàn [số điện thoại] gọi không được'],
  ['0372 111 222 bị khoá vneid', '[số điện thoại] bị khoá vneid'],
  // emails
  ['email nguyen.van.a@gmail.com không nhận thư', 'email [email] không nhận thư'],
  ['gửi về tranthib_1985@yahoo.com.vn giúp em', 'gửi về [email] giúp em'],
  // bank accounts and cards
  ['stk 0011001234567 Vietcombank chuyển khoản lệ phí', 'stk [số tài khoản] Vietcombank chuyển khoản lệ phí'],
  ['số tài khoản 19034567890123 techcombank', 'số tài khoản [số tài khoản] techcombank'],
  ['tk ngân hàng MB 0912345678 có phải số điện thoại', 'tk ngân hàng MB [số tài khoản] có phải số điện thoại'],
  ['stk 1234567 bidv', 'stk [số tài khoản] bidv'],
  ['thẻ ATM 9704 1234 5678 9012 bị nuốt', 'thẻ ATM [số thẻ] bị nuốt'],
  ['số thẻ 4111-1111-1111-1111 thanh toán lỗi', 'số thẻ [số thẻ] thanh toán lỗi'],
  ['quẹt thẻ 9704123456789012 không được', 'quẹt thẻ [số thẻ] không được'],
  // social insurance
  ['mã số BHXH 7912345678 tra không ra', 'mã số BHXH [mã số BHXH] tra không ra'],
  ['mã bảo hiểm xã hội 0123456789 của con', 'mã bảo hiểm xã hội [mã số BHXH] của con'],
  ['thẻ BHYT HC4010123456789 hết hạn', 'thẻ BHYT [mã thẻ BHYT] hết hạn'],
  ['mã thẻ gd 4 79 7912345678 gia hạn', 'mã thẻ [mã thẻ BHYT] gia hạn'],
  // passport and licence plates
  ['hộ chiếu C1234567 hết hạn', 'hộ chiếu [số hộ chiếu] hết hạn'],
  ['xe biển 29A-123.45 bị phạt nguội', 'xe biển [biển số xe] bị phạt nguội'],
  ['biển số 51F1-234.56 đóng phạt online', 'biển số [biển số xe] đóng phạt online'],
  ['xe máy 59-X1 123.45 mất đăng ký', 'xe máy [biển số xe] mất đăng ký'],
  ['biển 30e 12345 nộp phạt ở đâu', 'biển [biển số xe] nộp phạt ở đâu'],
  ['ô tô 30LD-12345 đăng kiểm', 'ô tô [biển số xe] đăng kiểm'],
  // street addresses with house numbers
  ['nhà tôi ở số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm', 'nhà tôi ở [địa chỉ], phường Hoàn Kiếm'],
  ['đăng ký tạm trú ở 123/4 Nguyễn Trãi, phường 2', 'đăng ký tạm trú ở [địa chỉ], phường 2'],
  ['địa chỉ: 45 tran phu, xa Hoa Binh', 'địa chỉ: [địa chỉ], xa Hoa Binh'],
  ['số nhà 78 đường Lê Lợi thì đăng ký thường trú ở đâu', '[địa chỉ] thì đăng ký thường trú ở đâu'],
  ['em ở hẻm 123/45 Lê Văn Sỹ muốn khai báo tạm vắng', 'em ở [địa chỉ] muốn khai báo tạm vắng'],
  ['nhà 56B đường số 7 khu phố 3', 'nhà [địa chỉ] khu phố 3'],
  ['số 5 ngõ 10 ngách 20 xin đăng ký thường trú', '[địa chỉ] xin đăng ký thường trú'],
  ['Số 8 Lê Duẩn, phường Bến Nghé nộp hồ sơ ở đâu', '[địa chỉ], phường Bến Nghé nộp hồ sơ ở đâu'],
  // several data in one message, and messages split across groups
  [
    'Tôi tên Lan, CCCD 001 099 012 345, SĐT 0912.345.678, email lan@gmail.com, muốn đổi số',
    'Tôi tên Lan, CCCD [số định danh], SĐT [số điện thoại], email [email], muốn đổi số',
  ],
  ['cccd 001099012345 sdt 0987654321', 'cccd [số định danh] sdt [số điện thoại]'],
  ['ngày 12.05.2024 em gửi số 0912345678 mà chưa được', 'ngày 12.05.2024 em gửi số [số điện thoại] mà chưa được'],
  ['đóng 200.000đ vào stk 0011001234567', 'đóng 200.000đ vào stk [số tài khoản]'],
  ['cccd001099012345 bị báo sai', 'cccd[số định danh] bị báo sai'],
  ['SĐT:0912345678.', 'SĐT:[số điện thoại].'],
  ['máy bàn (028) 3823 4567 của phường', 'máy bàn [số điện thoại] của phường'],
];

/** Messages that carry numbers a question needs; none of them is personal and all must survive intact. */
const KEPT: string[] = [
  'lệ phí cấp đổi là 200.000đ phải không',
  'phí 1.500.000 đồng có đắt không',
  'học phí 12.500.000 VNĐ đóng qua app được không',
  'tiền điện tháng này 350000đ',
  'viện phí hết 2,5 triệu',
  'nộp 50k lệ phí',
  'lệ phí 125.000.000 quá cao',
  'hotline 1900 0368 không ai nghe',
  'gọi tổng đài 1900.0368 hay 1800 1091',
  'tổng đài 19001234 hỗ trợ vneid',
  'ngày 12/05/2024 tôi nộp hồ sơ',
  'hẹn trả kết quả ngày 03-06-2024',
  'sinh ngày 01.01.1990 thì làm thẻ cho con được không',
  'từ 8 giờ đến 17 giờ thứ 2 đến thứ 6',
  'tài khoản định danh mức 2 làm thế nào',
  '25 dịch vụ công thiết yếu theo Đề án 06',
  'Nghị định 59/2022/NĐ-CP về định danh điện tử',
  'Điều 12 Luật Cư trú 2020 nói gì',
  'mã thủ tục 1.001234 trên cổng dịch vụ công',
  'con tôi 6 tuổi có cần tài khoản không',
  'đã 3 lần nhập sai mật khẩu',
  'phường 12 quận 3 nộp hồ sơ ở đâu',
  'app VNeID phiên bản 2.1.5 bị lỗi',
  'gọi 113 hay 114 khi có cháy',
  'Thông tư số 01 Bộ Công an quy định gì',
  'các năm 2023 2024 2025 đều đóng BHYT',
  'đăng ký mức2 trên app',
  'xã được hỗ trợ 2.500.000.000 cho chuyển đổi số',
  'check-in mã 20250312 xong rồi',
  'e thuê trọ ở BD đc 2 tháng r, chủ trọ nhắc đi đki tạm trú',
  'thẻ mới làm đc 1 năm thì có bắt buộc đổi nữa ko',
];

describe('redactPii', () => {
  it.each(REDACTED)('redacts %j', (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each(KEPT)('keeps %j', (input) => {
    expect(redactPii(input)).toBe(input);
    expect(containsPii(input)).toBe(false);
  });

  it('has at least 40 realistic cases', () => {
    expect(REDACTED.length + KEPT.length).toBeGreaterThanOrEqual(40);
    expect(REDACTED.length).toBeGreaterThanOrEqual(40);
  });

  it('is idempotent: placeholders hold no digits', () => {
    for (const [input] of REDACTED) {
      const once = redactPii(input);
      expect(redactPii(once)).toBe(once);
    }
  });

  it('leaves no digit of a redacted number behind', () => {
    const secrets = ['001099012345', '0912345678', '125123456', '0011001234567', '9704123456789012'];
    const text = `cccd ${secrets[0]} sdt ${secrets[1]} cmnd ${secrets[2]} stk ${secrets[3]} thẻ ${secrets[4]}`;
    const out = redactPii(text);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out.replace(/\D/g, '')).toBe('');
  });

  it('ignores private-use characters a message might carry, so they cannot forge a shield', () => {
    expect(redactPii('\uE000\uE100\uE001 0912345678')).toBe(' [số điện thoại]');
  });

  it('returns empty text unchanged', () => {
    expect(redactPii('')).toBe('');
  });
});

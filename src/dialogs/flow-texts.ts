/** What the flow engine itself says to citizens (Vietnamese); the flows' own texts live in flows/*.yaml. */
export const FLOW_TEXTS = {
  staleChoice: 'Nút bạn vừa bấm thuộc câu hỏi trước. Bạn trả lời giúp câu hỏi này nhé:',
  communeWhichOne: 'Có mấy xã/phường trùng hoặc gần giống tên bạn gõ. Bạn chọn đúng nơi mình ở:',
  communeManyMatches:
    'Có nhiều xã/phường có tên gần giống. Bạn chọn dưới đây, hoặc gõ đầy đủ tên hơn (ví dụ: "xã Mường Phăng"):',
  communeNotFound:
    'Tôi chưa tìm thấy xã/phường này trong danh sách của tỉnh. Bạn gõ lại tên xã/phường hiện nay hoặc tên cũ trước ' +
    'khi sáp nhập (ví dụ: "Mường Phăng", "phường Điện Biên Phủ"), hoặc bấm Bỏ qua.',
  communeGaveUp: 'Tạm thời tôi bỏ qua bước chọn xã/phường để bạn làm tiếp.',
  communeSaved: (label: string) => `Cảm ơn bạn, tôi đã ghi nhận: ${label}.`,
  communeSkipped: 'Không sao, bạn có thể cho biết xã/phường sau.',
} as const;

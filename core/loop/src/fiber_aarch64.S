/* fiber_aarch64.S — the context switch for AArch64 (AAPCS64, Linux).
 *
 * Same idea as fiber_x86_64.S (read that first): a suspended fiber is its
 * stack plus one saved stack pointer. al_context_switch saves what the
 * procedure call standard says a callee must preserve, swaps sp, restores
 * the other side's registers and returns into the other fiber.
 *
 * AAPCS64 callee-saved state:
 *   x19-x28        general registers
 *   x29 (fp)       frame pointer, x30 (lr) link register: our return address
 *   sp             kept in al_context.sp
 *   d8-d15         the low 64 bits of v8-v15 (only those bits are preserved)
 *   FPCR           rounding mode, flush-to-zero etc.: must survive calls
 * Not saved: x0-x18 (argument/temporary registers; x18 is the platform
 * register, which Linux does not give a per-context meaning) and the rest of
 * the SIMD registers, all of which the caller already assumes clobbered.
 *
 * Frame, 176 bytes (a multiple of 16: AArch64 faults on a misaligned sp):
 *
 *     sp+160  FPCR            sp+168  (padding)
 *     sp+144  d14, d15        sp+128  d12, d13
 *     sp+112  d10, d11        sp+96   d8,  d9
 *     sp+80   x29, x30        sp+64   x27, x28
 *     sp+48   x25, x26        sp+32   x23, x24
 *     sp+16   x21, x22        sp+0    x19, x20
 *
 * This file cannot be run on the x86-64 lab machine; it is checked by
 * assembling it (clang --target=aarch64-linux-gnu -c) and by review.
 */

    .text

// The frame's register pairs at their offsets (the table above), written
// once: stored with `frame_pairs stp`, loaded back with `frame_pairs ldp`.
.macro frame_pairs op
    \op     x19, x20, [sp, #0]
    \op     x21, x22, [sp, #16]
    \op     x23, x24, [sp, #32]
    \op     x25, x26, [sp, #48]
    \op     x27, x28, [sp, #64]
    \op     x29, x30, [sp, #80]
    \op     d8,  d9,  [sp, #96]
    \op     d10, d11, [sp, #112]
    \op     d12, d13, [sp, #128]
    \op     d14, d15, [sp, #144]
.endm

// void al_context_switch(al_context *from, al_context *to)
//   x0 = from, x1 = to; al_context.sp is at offset 0.
    .globl  al_context_switch
    .type   al_context_switch, %function
// int al__context_transfer(al_context *from, al_context *to, int value):
// the same switch; the other side's call "returns" value (x2 is untouched
// by the switch, so it only has to be moved to x0 at the end).
    .globl  al__context_transfer
    .hidden al__context_transfer
    .type   al__context_transfer, %function
    .p2align 4
al_context_switch:
al__context_transfer:
    .cfi_startproc
    sub     sp, sp, #176
    .cfi_def_cfa_offset 176
    frame_pairs stp
    .cfi_offset x29, -96
    .cfi_offset x30, -88
    mrs     x9, fpcr
    str     x9, [sp, #160]

    mov     x10, sp             // sp cannot be stored directly
    str     x10, [x0]           // from->sp = sp: "from" is now frozen
    ldr     x10, [x1]
    mov     sp, x10             // sp = to->sp: we are on the other stack

    frame_pairs ldp
    // Writing FPCR can stall the pipeline on some cores, and it almost never
    // differs between fibers: write it only when it does. x9 still holds
    // the FPCR we saved above, i.e. the current one.
    ldr     x10, [sp, #160]
    cmp     x9, x10
    b.eq    1f
    msr     fpcr, x10
1:
    add     sp, sp, #176
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    mov     x0, x2              // al__context_transfer's return value
    ret                         // to x30: the other side's return address
    .cfi_endproc
    .size   al_context_switch, .-al_context_switch
    .size   al__context_transfer, .-al__context_transfer

// void al__context_make(al_context *ctx, void *top, void (*fn)(void *), void *arg)
//   x0 = ctx, x1 = top, x2 = fn, x3 = arg.
// Writes the frame al_context_switch would have saved, below top, so the
// first switch into ctx "returns" (x30) into al__context_start with
// x19 = fn and x20 = arg. x29 = 0 ends frame-pointer walks; the other
// registers start as zero; FPCR is copied from the creating thread.
    .globl  al__context_make
    .hidden al__context_make
    .type   al__context_make, %function
    .p2align 4
al__context_make:
    .cfi_startproc
    and     x1, x1, #~15        // 16-byte aligned, as sp must always be
    sub     x9, x1, #176        // the new fiber's saved sp
    stp     x2,  x3,  [x9, #0]  // x19 = fn, x20 = arg
    stp     xzr, xzr, [x9, #16]
    stp     xzr, xzr, [x9, #32]
    stp     xzr, xzr, [x9, #48]
    stp     xzr, xzr, [x9, #64]
    adr     x10, al__context_start
    stp     xzr, x10, [x9, #80] // x29 = 0, x30 = al__context_start
    stp     xzr, xzr, [x9, #96]
    stp     xzr, xzr, [x9, #112]
    stp     xzr, xzr, [x9, #128]
    stp     xzr, xzr, [x9, #144]
    mrs     x10, fpcr
    stp     x10, xzr, [x9, #160]
    str     x9, [x0]
    ret
    .cfi_endproc
    .size   al__context_make, .-al__context_make

// The first instruction a new fiber runs. sp == top (16-byte aligned).
// fn must never return; if it does, brk traps instead of running on.
// .cfi_undefined x30 marks the outermost frame for unwinders and debuggers.
    .type   al__context_start, %function
    .p2align 4
al__context_start:
    .cfi_startproc
    .cfi_undefined x30
    mov     x0, x20
    blr     x19
    brk     #0x1
    .cfi_endproc
    .size   al__context_start, .-al__context_start

// No executable stack needed: without this note the linker would assume one.
    .section .note.GNU-stack, "", %progbits

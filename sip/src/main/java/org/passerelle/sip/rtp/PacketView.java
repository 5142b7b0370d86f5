package org.passerelle.sip.rtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * jitsi-srtp's view of a packet in an array we own (a pooled packet's buffer, a send scratch).
 * {@link #wrap} re-points it without allocating; the array never grows, so it must have room
 * for the authentication tag.
 */
final class PacketView implements ByteArrayBuffer {
    private byte[] buf;
    private int offset;
    private int length;

    PacketView wrap(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.offset = offset;
        this.length = length;
        return this;
    }

    @Override public byte[] getBuffer() { return buf; }
    @Override public int getOffset() { return offset; }
    @Override public int getLength() { return length; }
    @Override public void setLength(int len) { this.length = len; }
    @Override public void setOffset(int off) { this.offset = off; }
    @Override public boolean isInvalid() { return false; }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        System.arraycopy(buf, offset + off, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (offset + length + howMuch > buf.length) throw new IllegalStateException("no room for " + howMuch + " bytes");
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, buf, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        length = Math.max(0, length - len);
    }
}
